/** Test helpers: where the shared data is, scratch directories. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');

/** Files of a shared-data folder; fails with a clear message when shared/data is not beside the repo. */
export function sharedFiles(folder: string): string[] {
  const dir = path.join(sharedData, folder);
  if (!fs.existsSync(dir)) {
    throw new Error(
      `shared data not found at ${dir}: the repo must sit beside shared/ (../shared/data from the repo root)`
    );
  }
  return fs
    .readdirSync(dir)
    .filter(f => !f.startsWith('.') && !/^readme/i.test(f))
    .sort()
    .map(f => path.join(dir, f));
}

export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `odatis-sno-${prefix}-`));
}

export const sha = (p: string): string =>
  createHash('sha256').update(fs.readFileSync(p)).digest('hex');
