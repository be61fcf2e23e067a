/**
 * What `npm start` watches to rebuild a prebuilt extension: the workspace libraries it bundles, all the way
 * down. The kernel extension bundles @odatis-vre/kernel, which bundles the workshop's analyses and the niche
 * maths: a change there must rebuild it (it did not: only direct dependencies were watched, so a fixed figure
 * of packages/workshop never reached the page).
 */
const path = require('path');
const { bundledLibraries } = require('../../../scripts/build');

const root = path.resolve(__dirname, '../../..');
const libraries = extension =>
  bundledLibraries(path.join(root, 'extensions', extension)).map(dir => path.relative(root, dir));

test('the kernel extension is rebuilt when the workshop, niche or query libraries change', () => {
  expect(libraries('kernel-extension')).toEqual(
    expect.arrayContaining([
      'packages/kernel',
      'packages/workshop',
      'packages/niche',
      'packages/query',
      'packages/harmonised'
    ])
  );
});

test('the data browser is rebuilt when the ingestion readers (sno) change', () => {
  expect(libraries('databrowser-extension')).toEqual(
    expect.arrayContaining(['packages/catalog', 'packages/sno', 'packages/harmonised'])
  );
});

test('only workspace libraries, each once', () => {
  for (const extension of ['kernel-extension', 'vre-extension', 'sql-extension']) {
    const found = libraries(extension);
    expect(new Set(found).size).toBe(found.length);
    for (const lib of found) expect(lib).toMatch(/^packages\/[a-z-]+$/);
  }
});
