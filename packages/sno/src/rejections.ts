/**
 * Every rejected value of a conversion written to REJECTED_FILE as it is met (node only), one JSON object
 * per line, so memory does not grow with the number of rejections: report.json keeps the counts and the
 * first REJECTED_IN_REPORT. A file that fails after some of its values were rejected has its lines taken
 * back (`mark`, then `rollback`): the file holds the rejections of the files read, and only those.
 */
import * as fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { IngestIssue } from './errors';
import { REJECTED_FILE, rejectionLine, type RejectionSink } from './report';

/** Characters buffered before they are written out. */
const BUFFER_CHARS = 1 << 20;

/** Where the file stood: bytes written and lines. */
export interface RejectionMark {
  bytes: number;
  lines: number;
}

export class RejectionLog implements RejectionSink {
  readonly file = REJECTED_FILE;
  /** Rejected values written so far. */
  lines = 0;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private bytes = 0;

  /** Create `file` (which must not exist yet). */
  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'wx');
  }

  add(issue: IngestIssue): void {
    const line = rejectionLine(issue);
    this.pending.push(line, '\n');
    this.pendingChars += line.length + 1;
    this.lines++;
    if (this.pendingChars >= BUFFER_CHARS) this.flush();
  }

  mark(): RejectionMark {
    this.flush();
    return { bytes: this.bytes, lines: this.lines };
  }

  /** Forget what was added since `mark`. */
  rollback(mark: RejectionMark): void {
    this.flush();
    fs.ftruncateSync(this.fd, mark.bytes);
    this.bytes = mark.bytes;
    this.lines = mark.lines;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (!this.pending.length) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    fs.writeSync(this.fd, bytes, 0, bytes.length, this.bytes);
    this.bytes += bytes.length;
  }
}

/** Every rejected value a conversion wrote to `file` (REJECTED_FILE), in the order met. */
export async function* readRejections(file: string): AsyncGenerator<IngestIssue> {
  const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const { column, ...rest } = JSON.parse(line) as IngestIssue & { column: string | null };
    yield column === null ? rest : { ...rest, column };
  }
}
