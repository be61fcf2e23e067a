import type { Page } from '@playwright/test';
import { createHash } from 'crypto';
import { expect, listedFiles, openFolder, openVre, snapshot, TARGET, test } from './vre';

/** What the hostile SVG of test/fixtures/untrusted would leave in the VRE's storage if it ever ran. */
async function tracesOfTheSvgScript(page: Page): Promise<{ local: string | null; idb: boolean }> {
  return page.evaluate(async () => ({
    local: localStorage.getItem('odatis-pwned'),
    idb: (await indexedDB.databases()).some(d => d.name === 'odatis-pwned')
  }));
}

/** Saves through the application's contents manager; the error message if refused. */
async function trySave(page: Page, path: string, content = 'PWNED'): Promise<string> {
  return page.evaluate(
    async ([p, c]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      try {
        await contents.save(p, { type: 'file', format: 'text', content: c });
        return 'saved';
      } catch (error) {
        return (error as Error).message;
      }
    },
    [path, content] as const
  );
}

/** Every key of the browser storage of files (what survives a reload). */
async function storedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map(d => d.name ?? '');
    const name = names.find(n => n.startsWith('JupyterLite Storage'));
    if (!name) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
        const request = db.transaction('files').objectStore('files').getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      return keys.map(String);
    } finally {
      db.close();
    }
  });
}

test.describe('security of the embedded VRE', () => {
  // The embedded server's and the browser drive's defences. On a stock JupyterLab, jupyter_server serves the
  // files and the odatis_vre server extension guards shared/ (python/tests, and shell.spec's refused write).
  test.skip(TARGET === 'stock', 'embedded server and browser drive only');
  test('serves the application with its security policy and data files sandboxed', async ({
    page
  }) => {
    const response = await page.goto('/lab/');
    const headers = response!.headers();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain("'unsafe-inline' 'self'");
    const data = await page.request.get('/files/shared/README.md');
    expect(data.headers()['content-security-policy']).toMatch(/^sandbox;/);
    expect(data.headers()['x-content-type-options']).toBe('nosniff');
    // The served conversion report names files as the site does, never by the build machine's folders.
    const report = await (await page.request.get('/files/shared/harmonised/report.json')).json();
    const strings = (value: unknown): string[] =>
      typeof value === 'string'
        ? [value]
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(strings)
          : [];
    const absolute = /^(\/|[A-Za-z]:\\)[^/\\\s]+[/\\]/;
    expect(strings(report).filter(text => absolute.test(text))).toEqual([]);
    expect(report.outDir).toBe('.');
    expect(report.files.length).toBeGreaterThan(0);
    for (const file of report.files) expect(file.path).toMatch(/^shared\/[^/]+\/[^/]+$/);
    // A script injected into the page (as an XSS would) is refused by the policy. (On a page of its
    // own: the test's page must report no policy violation.)
    await openVre(page);
    const other = await page.context().newPage();
    await other.goto('/lab/');
    const injected = await other.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      const refused = new Promise<string>(resolve =>
        document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {
          once: true
        })
      );
      document.body.appendChild(script);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { ran: Boolean((window as any).__injected), directive: await refused };
    });
    expect(injected).toEqual({ ran: false, directive: expect.stringMatching(/^script-src/) });
    await other.close();
  });

  test('an SVG with a script in the shared data never runs in the VRE origin', async ({
    page,
    context
  }, testInfo) => {
    await openVre(page);
    await openFolder(page, 'untrusted');
    await expect.poll(() => listedFiles(page)).toContain('evil.svg');

    // Opened in the image viewer: shown, as an image (a data URL in an <img>: no script).
    await page.locator('.jp-DirListing-item', { hasText: 'evil.svg' }).dblclick();
    const image = page.locator('.jp-ImageViewer img:visible');
    await expect(image).toBeVisible();
    await expect
      .poll(() => image.evaluate(img => (img as HTMLImageElement).naturalWidth))
      .toBe(240);
    await snapshot(page, testInfo, '20-untrusted-svg-image-viewer');
    expect(await tracesOfTheSvgScript(page)).toEqual({ local: null, idb: false });

    // "Open in New Browser Tab" opens the raw file from the server's /files/: sandboxed, no script,
    // an opaque origin without storage.
    await page.locator('.jp-DirListing-item', { hasText: 'evil.svg' }).click({ button: 'right' });
    const [tab] = await Promise.all([
      context.waitForEvent('page'),
      page.locator('.lm-Menu-itemLabel', { hasText: 'Open in New Browser Tab' }).click()
    ]);
    await tab.waitForURL(/\/files\/untrusted\/evil\.svg$/);
    await expect(tab.locator('text')).toHaveText('untrusted SVG');
    expect(
      await tab.evaluate(() => ({
        ran: document.documentElement.getAttribute('data-script-ran'),
        origin: self.origin,
        storage: (() => {
          try {
            return localStorage.length;
          } catch (e) {
            return (e as Error).name;
          }
        })()
      }))
    ).toEqual({ ran: null, origin: 'null', storage: 'SecurityError' });
    await snapshot(tab, testInfo, '20b-untrusted-svg-raw-sandboxed');
    await tab.close();

    // A copy in the user's own files is served from browser storage: no script either.
    await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      await contents.copy('untrusted/evil.svg', '');
    });
    const url = await page.evaluate(() =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).jupyterapp.serviceManager.contents.getDownloadUrl('evil.svg')
    );
    const ownTab = await context.newPage();
    await ownTab.goto(url);
    // Shown as its source text: a blob: URL has the VRE's origin, so it is never an SVG document there.
    expect(
      await ownTab.evaluate(() => ({
        type: document.contentType,
        ran: document.documentElement.getAttribute('data-script-ran'),
        source: document.body.textContent?.includes('<script>')
      }))
    ).toEqual({ type: 'text/plain', ran: null, source: true });
    await ownTab.close();

    expect(await tracesOfTheSvgScript(page)).toEqual({ local: null, idb: false });
  });

  test('refuses writes into shared/ in every spelling, and nothing of them survives a reload', async ({
    page
  }, testInfo) => {
    await openVre(page);
    const original = await page.evaluate(async () =>
      (await fetch('/files/shared/README.md')).text()
    );
    for (const path of [
      'shared/README.md',
      '%73hared/README.md',
      'shared%2FREADME.md',
      'shared%2Fphytobs%2Fx.csv',
      '/shared//README.md',
      './shared/./README.md',
      'mine/../shared/README.md',
      'Shared/README.md',
      'SHARED/phytobs/x.csv',
      '%53HARED/x.csv'
    ]) {
      expect([path, await trySave(page, path)]).toEqual([
        path,
        expect.stringContaining('is read-only shared data')
      ]);
    }
    // Other ways in: a new file, a move, a copy, a deletion.
    const refusals = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      await contents.save('mine.txt', { type: 'file', format: 'text', content: 'mine' });
      const attempt = (f: () => Promise<unknown>) =>
        f().then(
          () => 'done',
          (e: Error) => e.message
        );
      return [
        await attempt(() => contents.newUntitled({ path: 'Shared/phytobs', type: 'file' })),
        await attempt(() => contents.rename('mine.txt', '%73hared/mine.txt')),
        await attempt(() => contents.copy('mine.txt', 'shared%2Fphytobs')),
        await attempt(() => contents.delete('%73hared/README.md')),
        await attempt(() => contents.rename('shared/README.md', 'README-moved.md'))
      ];
    });
    for (const message of refusals) expect(message).toContain('is read-only shared data');
    // Names the storage could not read back are refused with their reason.
    expect(await trySave(page, '50%.csv')).toContain('cannot contain "%"');
    expect(await trySave(page, 'two\nlines.csv')).toContain('control character');

    await page.reload();
    await expect(page.locator('body')).toHaveAttribute('data-odatis-vre-ready', 'true', {
      timeout: 90_000
    });
    const after = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      const model = await contents.get('shared/README.md', { content: true, format: 'text' });
      return { content: model.content, writable: model.writable };
    });
    expect(after).toEqual({ content: original, writable: false });
    const stored = await storedPaths(page);
    expect(stored).toContain('mine.txt');
    expect(stored.filter(key => /^(shared|examples|untrusted)(\/|$)/i.test(key))).toEqual([]);
    await openFolder(page, 'shared');
    await snapshot(page, testInfo, '21-shared-untouched-after-reload');
  });

  test('uploads a file in chunks, as JupyterLab does, and reads it back byte for byte', async ({
    page
  }) => {
    await openVre(page);
    // 5.5 MB of pseudo-random bytes: JupyterLab's uploader sends them in 1 MB chunks (1, 2, …, -1).
    const size = 5.5 * 1024 * 1024;
    const bytes = Buffer.alloc(size);
    let x = 12345;
    for (let i = 0; i < size; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    const chooser = page.waitForEvent('filechooser');
    await page.locator('.jp-FileBrowser-toolbar .jp-id-upload').click();
    await (
      await chooser
    ).setFiles({ name: 'upload.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await expect.poll(() => listedFiles(page), { timeout: 60_000 }).toContain('upload.bin');
    const back = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const contents = (window as any).jupyterapp.serviceManager.contents;
      const model = await contents.get('upload.bin', { content: false });
      const url = await contents.getDownloadUrl('upload.bin');
      const digest = await crypto.subtle.digest('SHA-256', await (await fetch(url)).arrayBuffer());
      const hex = Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
      return { size: model.size, sha256: hex };
    });
    expect(back).toEqual({ size, sha256: createHash('sha256').update(bytes).digest('hex') });
  });
});
