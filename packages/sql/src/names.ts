import { parseDataFileName } from '@odatis-vre/harmonised';

/** A SQL table name for a file, from its file name: `SEANOE Hydro.csv.gz` → `seanoe_hydro`. */
export function tableNameForFile(path: string): string {
  const name = parseDataFileName(path)
    .stem.normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(name) ? name : `t_${name || 'file'}`;
}

/** A path for an exported result that does not exist yet among `taken`: `result.csv`, `result-2.csv`… */
export function freePath(
  dir: string,
  stem: string,
  extension: string,
  taken: ReadonlySet<string>
): string {
  const join = (name: string) => (dir ? `${dir}/${name}` : name);
  let candidate = join(`${stem}.${extension}`);
  for (let i = 2; taken.has(candidate); i++) {
    candidate = join(`${stem}-${i}.${extension}`);
  }
  return candidate;
}
