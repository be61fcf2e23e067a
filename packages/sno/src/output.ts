/**
 * Where a conversion writes, and how it replaces a dataset without ever losing one (node only).
 * Everything is written in a sibling staging folder `<out>.staging-<pid>-<hex>` and renamed into place;
 * the previous dataset is set aside as `<out>.old-<pid>-<hex>` until the new one is there. A run that was
 * killed leaves such folders behind: the next run sweeps them. A folder holding files the converter did
 * not write is never replaced.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG_FILE, REPORT_FILE, type Catalog } from '@odatis-vre/harmonised';
import { REJECTED_FILE } from './report';

/** A sibling folder of `out` for this process: `kind` is 'staging' (the new output) or 'old' (the previous). */
export function siblingPath(out: string, kind: 'staging' | 'old'): string {
  return `${out}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Remove the staging folders of runs that are gone (a kill, a power cut), and put back a previous
 * dataset a run set aside but never replaced. Folders of a process still running are left alone.
 * Returns what was done, one sentence per folder.
 */
export function sweepStale(out: string): string[] {
  const dir = path.dirname(out);
  const base = path.basename(out);
  if (!fs.existsSync(dir)) return [];
  const done: string[] = [];
  const pattern = new RegExp(
    `^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(staging|old)-(\\d+)-[0-9a-f]{8}$`
  );
  for (const name of fs.readdirSync(dir).sort()) {
    const m = pattern.exec(name);
    if (!m || Number(m[2]) === process.pid || alive(Number(m[2]))) continue;
    const full = path.join(dir, name);
    if (m[1] === 'old' && !fs.existsSync(out)) {
      fs.renameSync(full, out);
      done.push(
        `${name}: the previous dataset an interrupted run had set aside, put back as ${base}`
      );
    } else {
      fs.rmSync(full, { recursive: true, force: true });
      done.push(`${name}: left by an interrupted run (process ${m[2]}), removed`);
    }
  }
  return done;
}

/** Files under `out` (relative, forward slashes) that the conversion described by its catalogue did not write. */
export function foreignFiles(out: string): string[] {
  let catalog: Catalog | null = null;
  try {
    catalog = JSON.parse(fs.readFileSync(path.join(out, CATALOG_FILE), 'utf8')) as Catalog;
  } catch {
    catalog = null;
  }
  const ours = new Set([
    CATALOG_FILE,
    REPORT_FILE,
    REJECTED_FILE,
    ...(catalog?.arrowFile ? [catalog.arrowFile] : []),
    ...(catalog?.parquetFiles ?? []).map(f => f.path)
  ]);
  const foreign: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(out, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (!ours.has(r)) foreign.push(r);
    }
  };
  walk('');
  return foreign.sort();
}

/**
 * An existing output folder may be replaced only when it is a converted dataset holding nothing
 * but what its conversion wrote: a user's own file in it is never deleted.
 */
export function checkOutput(out: string, outDir: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory())
    throw new Error(`${outDir}: exists and is a file, not a folder`);
  const entries = fs.readdirSync(out);
  if (entries.length === 0) return;
  if (!entries.includes(CATALOG_FILE)) {
    throw new Error(
      `${outDir}: exists and is not a converted dataset (no catalog.json); refusing to replace it`
    );
  }
  const foreign = foreignFiles(out);
  if (foreign.length) {
    const shown =
      foreign.slice(0, 10).join(', ') +
      (foreign.length > 10 ? `, … (${foreign.length} in all)` : '');
    throw new Error(
      `${outDir}: holds files the converter did not write (${shown}); refusing to replace it — ` +
        'move them elsewhere, or convert into another folder'
    );
  }
}

/** Put the staged output in place; the previous dataset stays whole until the new one is there. */
export function swapInto(staging: string, out: string): void {
  let old: string | null = null;
  if (fs.existsSync(out)) {
    old = siblingPath(out, 'old');
    fs.renameSync(out, old);
  }
  try {
    fs.renameSync(staging, out);
  } catch (e) {
    if (old) fs.renameSync(old, out);
    throw e;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
