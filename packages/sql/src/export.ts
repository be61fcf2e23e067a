/** Formats a result can be exported to (the files are made by the query engine: @odatis-vre/query). */
export type { ExportFormat } from '@odatis-vre/query';
