import { SeededRandom } from '@odatis-vre/niche';
import {
  ContentsPathError,
  encodeContentsPath,
  mountOf,
  normalizeContentsPath,
  outsideMounts,
  writablePath
} from '../src/paths';

const MOUNTS = ['shared', 'shared/harmonised', 'examples'];

/** What JupyterLite's storage does with the path the drive hands it: decode once. */
const storageKey = (path: string) => decodeURIComponent(encodeContentsPath(path));

describe('normalizeContentsPath: one reading of a path', () => {
  it.each([
    ['shared/README.md', 'shared/README.md'],
    ['/shared/README.md', 'shared/README.md'],
    ['shared//phytobs///x.csv', 'shared/phytobs/x.csv'],
    ['./shared/./README.md', 'shared/README.md'],
    ['mine/../shared/README.md', 'shared/README.md'],
    ['shared/phytobs/', 'shared/phytobs'],
    ['%73hared/README.md', 'shared/README.md'],
    ['shared%2Fphytobs%2Fx.csv', 'shared/phytobs/x.csv'],
    ['mine%2f%2e%2e%2fshared', 'shared'],
    ['my%20data/a b.csv', 'my data/a b.csv'],
    ['Shared/README.md', 'Shared/README.md'],
    ['', ''],
    ['/', '']
  ])('%j → %j', (raw, expected) => {
    expect(normalizeContentsPath(raw)).toBe(expected);
  });

  it.each([
    ['..', 'goes above the root'],
    ['a/../../b', 'goes above the root'],
    ['%2e%2e/etc', 'goes above the root'],
    ['%', 'two-digit hexadecimal escape'],
    ['a%E0%A4%A', 'two-digit hexadecimal escape'],
    ['a\nb.csv', 'control character'],
    ['a%0Ab.csv', 'control character'],
    ['nul\u0000', 'control character']
  ])('refuses %j (%s)', (raw, reason) => {
    expect(() => normalizeContentsPath(raw)).toThrow(ContentsPathError);
    expect(() => normalizeContentsPath(raw)).toThrow(reason);
  });

  it('shows control characters in messages as escapes', () => {
    expect(() => normalizeContentsPath('a\nb')).toThrow('"a\\u000ab"');
  });
});

describe('the read-only mounts, in every spelling', () => {
  it.each([
    'shared',
    'shared/',
    'shared/README.md',
    '/shared/README.md',
    'shared//README.md',
    './shared/README.md',
    'mine/../shared/README.md',
    '%73hared/README.md',
    'shared%2Fphytobs%2Fx.csv',
    '%2Fshared%2FREADME.md',
    'Shared/README.md',
    'SHARED/phytobs/x.csv',
    '\uff53hared/x.csv', // fullwidth s
    'shared/harmonised/catalog.json',
    'examples/getting-started.ipynb'
  ])('%j is refused for writing, saying why', raw => {
    expect(() => writablePath(raw, MOUNTS)).toThrow('is read-only shared data');
    expect(() => outsideMounts(raw, MOUNTS)).toThrow(ContentsPathError);
  });

  it.each([
    'sharedx/y.csv',
    'shared-copy/README.md',
    'my/shared/README.md',
    'example',
    'README.md'
  ])("%j is the user's own: writable", raw => {
    expect(writablePath(raw, MOUNTS)).toBe(normalizeContentsPath(raw));
  });

  it('names the mount as it is spelled in the list', () => {
    expect(mountOf('SHARED/harmonised/x', MOUNTS)).toBe('shared');
    expect(mountOf('sharedx', MOUNTS)).toBeNull();
  });

  it('refuses "%" in written names with a message about names, not escapes', () => {
    expect(() => writablePath('50%.csv', MOUNTS)).toThrow('cannot contain "%"');
    expect(() => writablePath('a%20b.csv', MOUNTS)).toThrow('cannot contain "%"');
    // Decoded once, %2573 is the literal "%73hared": not the mount, but still a name with "%".
    expect(() => writablePath('%2573hared/x', MOUNTS)).toThrow('cannot contain "%"');
    expect(() => writablePath('line\nbreak.csv', MOUNTS)).toThrow('control character');
  });
});

describe('fuzz: the path checked is the path stored', () => {
  const pieces = [
    'shared',
    'Shared',
    'SHARED',
    'sharedx',
    'harmonised',
    'examples',
    'mine',
    'x.csv',
    'README.md',
    '.',
    '..',
    '',
    '%',
    '%2',
    '%2e',
    '%2E%2E',
    '%2f',
    '%2F',
    '%73',
    '%53hared',
    '%2573hared',
    '%25',
    '%20',
    '%0a',
    '\n',
    '\\',
    'é',
    'e\u0301',
    '\uff53hared',
    '?',
    '#',
    ' ',
    '~'
  ];

  it('holds for 500 seeded random paths', () => {
    const random = new SeededRandom(42);
    let written = 0;
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      const n = 1 + random.nextBelow(5);
      let raw = Array.from({ length: n }, () => pieces[random.nextBelow(pieces.length)]).join(
        random.nextBelow(3) === 0 ? '//' : '/'
      );
      if (random.nextBelow(2) === 0) raw = raw.replace(/^/, '/');
      let path: string;
      try {
        path = writablePath(raw, MOUNTS);
      } catch (error) {
        expect([raw, error instanceof ContentsPathError]).toEqual([raw, true]);
        refused++;
        continue;
      }
      written++;
      const key = storageKey(path);
      // What the storage writes is what was checked; it is canonical and outside every mount.
      expect([raw, key]).toEqual([raw, path]);
      expect([raw, mountOf(key, MOUNTS)]).toEqual([raw, null]);
      const segments = key === '' ? [] : key.split('/');
      expect([raw, segments.filter(s => s === '' || s === '.' || s === '..')]).toEqual([raw, []]);
      expect([raw, normalizeContentsPath(path)]).toEqual([raw, path]);
      // And no spelling of a mount survives: the decoded, folded raw path is not inside one either.
      const folded = key.normalize('NFKC').toLowerCase();
      expect([raw, /^(shared|examples)(\/|$)/.test(folded)]).toEqual([raw, false]);
    }
    // The generator reaches both sides.
    expect(written).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
