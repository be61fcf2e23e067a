import { DataType, Type } from 'apache-arrow';

/**
 * A value of an Arrow column as text, the way the VRE shows it (result grid) and writes it (CSV
 * exports): dates as ISO dates, timestamps as ISO instants in UTC, doubles with 12 significant digits,
 * 64-bit integers exactly, nested values as JSON, null as the empty string.
 */
export function formatArrowValue(value: unknown, type: DataType): string {
  if (value === null || value === undefined) {
    return '';
  }
  switch (type.typeId) {
    case Type.Timestamp:
    case Type.Date: {
      const ms = typeof value === 'bigint' ? Number(value) : (value as number);
      const iso = new Date(ms).toISOString();
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
    }
    case Type.Float:
      return Number.isInteger(value) ? `${value}` : `${+(value as number).toPrecision(12)}`;
    default:
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Uint8Array) return `<${value.length} bytes>`;
      if (typeof value === 'object')
        return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
      return String(value);
  }
}
