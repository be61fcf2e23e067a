/**
 * The NEO kernel when a cell exhausts its worker's memory, in Chromium: the kernel restarts with a clear
 * message, the tab and the notebook stay. Its own file: the browser is launched with a lower JavaScript
 * heap limit (Playwright sets launch options per file, not per test).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CDPSession } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { newNeoNotebook, runCell } from './neo';
import { ARTIFACTS, expect, openVre, test } from './vre';

// V8's heap limit, lowered for this browser (page and workers alike) so that the worker runs out of memory
// in seconds rather than after gigabytes: the exhaustion and the browser's reaction are real.
test.use({
  launchOptions: {
    executablePath: chromiumExecutable(),
    args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=640']
  }
});

/** A CDP session's `Runtime.evaluate` of an expression on the page, awaited, by value. */
async function evaluate<T>(cdp: CDPSession, expression: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    expression,
    awaitPromise: true,
    returnByValue: true
  });
  if (exceptionDetails) {
    throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  }
  return result.value as T;
}

/** Runs the active notebook's cell `index` with `source` (through CDP) and resolves with its output text. */
async function runCellByCdp(cdp: CDPSession, index: number, source: string): Promise<string> {
  await evaluate(
    cdp,
    `(() => {
      const nb = window.jupyterapp.shell.currentWidget.content;
      while (nb.widgets.length <= ${index}) {
        nb.model.sharedModel.insertCell(nb.widgets.length, { cell_type: 'code', source: '' });
      }
      nb.activeCellIndex = ${index};
      nb.activeCell.model.sharedModel.setSource(${JSON.stringify(source)});
      void window.jupyterapp.commands.execute('notebook:run-cell');
    })()`
  );
  const output = `(() => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[${index}];
    const prompt = cell.node.querySelector('.jp-InputPrompt').textContent.trim();
    return /^\\[\\d+\\]:$/.test(prompt) ? cell.node.querySelector('.jp-OutputArea').textContent : null;
  })()`;
  let text: string | null = null;
  await expect
    .poll(async () => (text = await evaluate<string | null>(cdp, output)), { timeout: 120_000 })
    .not.toBeNull();
  return text!;
}

test.describe('the NEO kernel out of memory', () => {
  test('a cell that exhausts the worker memory costs the kernel, not the tab or the notebook', async ({
    page
  }, testInfo) => {
    test.setTimeout(300_000);
    await openVre(page);
    await newNeoNotebook(page);
    await runCell(page, 0, 'const kept = 6 * 7;\nkept');
    // Chromium reports the end of the kernel's process as a crash to Playwright's page, which then
    // refuses every call: the rest of the test talks to the page through its own CDP session.
    const cdp = await page.context().newCDPSession(page);
    const oom = runCellByCdp(
      cdp,
      1,
      'const heap = [];\nwhile (true) heap.push(new Array(1e6).fill(Math.random()));'
    );
    expect(await oom).toContain(
      'The NEO kernel ran out of memory and was restarted; variables are lost: run the cells above again.'
    );
    // The notebook and its page stayed: the same cells, a kernel that runs, without the old variables.
    expect(await runCellByCdp(cdp, 2, 'typeof kept')).toContain('undefined');
    expect(await runCellByCdp(cdp, 3, '%%sql\nSELECT 6 * 7 AS answer')).toContain('42');
    expect(
      await evaluate<string[]>(
        cdp,
        '[...window.jupyterapp.shell.currentWidget.content.widgets].map(c => c.model.sharedModel.getSource())'
      )
    ).toEqual([
      'const kept = 6 * 7;\nkept',
      'const heap = [];\nwhile (true) heap.push(new Array(1e6).fill(Math.random()));',
      'typeof kept',
      '%%sql\nSELECT 6 * 7 AS answer'
    ]);
    const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, '30-neo-out-of-memory.png');
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
    await testInfo.attach('30-neo-out-of-memory', { path: file, contentType: 'image/png' });
  });
});
