/**
 * Making an output folder (node only). node's `mkdirSync(…, { recursive: true })` loops for ever where
 * the file system answers "no such file" to a folder whose parent exists (/proc, /sys): it takes the
 * answer for a missing parent and tries again. Here each missing level is made once, and a refusal
 * ends at once with the path and why, in words.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Why a folder could not be made, in words a person can act on. */
function why(code: string | undefined, parent: string): string {
  switch (code) {
    case 'ENOENT':
      // Its parent exists (we made or found it): the file system there makes no folders.
      return `the file system of ${parent} does not let folders be made there (a system folder such as /proc or /sys?)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${parent}`;
    case 'EROFS':
      return `${parent} is on a read-only file system`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the device of ${parent}`;
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ENOTDIR':
      return `${parent} is not a folder`;
    default:
      return code ?? 'unknown error';
  }
}

/**
 * What is at `at`, or undefined when nothing is, also when a parent is a file or the name too long:
 * the walk up finds the file, mkdir says the name is too long.
 */
function statOf(at: string): fs.Stats | undefined {
  try {
    return fs.statSync(at, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ENAMETOOLONG') return undefined;
    throw e;
  }
}

/**
 * Make `dir` and any missing parent folder (as `mkdir -p`), or throw an Error naming the path that could
 * not be made and why (`what`: the folder as the user knows it): a file standing where a folder is expected, a folder where nothing can be made.
 */
export function makeFolder(dir: string, what = `the folder ${dir}`): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const st = statOf(at);
    if (st?.isDirectory()) break;
    if (st)
      throw new Error(
        `cannot make ${what}: ${at} is a file, not a folder (expected a folder or nothing there)`
      );
    const parent = path.dirname(at);
    if (parent === at) break; // a root that does not exist (another drive): mkdir says why
    missing.push(at);
    at = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statOf(folder)?.isDirectory()) continue; // made meanwhile by another process
      throw new Error(
        `cannot make ${what}: ${folder} could not be made, ${why(code, path.dirname(folder))}`
      );
    }
  }
}
