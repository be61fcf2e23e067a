#!/usr/bin/env node
/*
 * Benchmark of @odatis-vre/niche against R ade4 on the same data in the same run.
 *
 *   npm run build                     # compiles packages/niche/lib
 *   node bench/niche/run.js [--rtest-reps=99] [--no-r]
 *
 * Data: 20 000 samples × 8 variables × 200 species, Poisson counts from Gaussian responses
 * (simulateGaussianCommunity, seed 2024), 20 subsets for WitOMI. When Rscript and ade4 are installed the
 * same tables are written to a temporary folder and timed by ade4_timing.R (steps of
 * shared/reference/niche/timing_niche.R). Prints medians, ratios node/R and the goal (≤ 0.5); asserts nothing.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const niche = require('../../packages/niche/lib');

const args = Object.fromEntries(
  process.argv.slice(2).map(a => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v === undefined ? true : v];
  })
);
const rtestReps = Number(args['rtest-reps'] ?? 99);
const N = 20000,
  P = 8,
  S = 200,
  SUBSETS = 20;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
/**
 * Median wall time after one untimed warm-up call (lets V8 compile the kernels): at least `reps` calls,
 * more for fast steps until 1 s has been measured, so millisecond steps are not timed on one noisy call.
 */
function time(fn, reps = 3) {
  const t = [];
  let out = fn();
  for (let r = 0; r < reps || (t.reduce((a, b) => a + b, 0) < 1 && r < 200); r++) {
    const t0 = process.hrtime.bigint();
    out = fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { median: median(t), out };
}

console.log(`generating ${N} samples × ${P} variables × ${S} species …`);
const sim = niche.simulateGaussianCommunity({
  nSamples: N,
  nVariables: P,
  nSpecies: S,
  seed: 2024,
  gradients: 'normal',
  optimumSpread: 1.2,
  toleranceRange: [0.6, 1.5],
  maxAbundance: 20
});
const factor = Array.from({ length: N }, (_, i) => String((i % SUBSETS) + 1));
const nnz = sim.abundance.values.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
console.log(`non-zero counts: ${nnz} (${((100 * nnz) / (N * S)).toFixed(1)} % of the table)`);

// node
const node = {};
const pcaT = time(() => niche.environmentalPca(sim.environment, { nf: 3 }), 5);
node.pca = pcaT.median;
const omiT = time(() => niche.omiAnalysis(pcaT.out, sim.abundance, { nf: 2 }), 5);
node.omi = omiT.median;
const omi = omiT.out;
const npT = time(() => niche.nicheParameters(omi), 5);
node.niche_param = npT.median;
node.witomi_20_subsets = time(() => niche.witomi(omi, factor), 5).median;
const rtT = time(() => niche.omiPermutationTest(omi, { permutations: rtestReps, seed: 1 }), 3);
node.permutation_test = rtT.median;
// R's timed step starts from P already computed; ours starts from the OMI analysis' profiles likewise
node.responses = time(() => niche.omiSpeciesResponses(omi), 3).median;
// R's own random stream: slower (whole profiles permuted, as R does) but the same draws as set.seed(1) in R
const rStream = time(
  () => niche.omiPermutationTest(omi, { permutations: rtestReps, seed: 1, generator: 'R' }),
  1
);
node.permutation_test_r_stream = rStream.median;
const nodeChecks = {
  sum_niche_eig: omi.eig.reduce((a, b) => a + b, 0),
  sum_OMI: npT.out.omi.reduce((a, b) => a + b, 0),
  sum_Tol: npT.out.tol.reduce((a, b) => a + b, 0),
  mean_OMI_expectation: rtT.out.expectation[S],
  mean_OMI_expectation_r_stream: rStream.out.expectation[S]
};

// R, same data
let r = null;
let rChecks = null;
const haveR =
  !args['no-r'] && spawnSync('Rscript', ['-e', 'library(ade4)'], { stdio: 'ignore' }).status === 0;
if (haveR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'niche-bench-'));
  const writeTable = (file, t) => {
    const lines = [t.colNames.join(',')];
    for (let i = 0; i < t.nRows; i++) {
      const row = new Array(t.nCols);
      for (let j = 0; j < t.nCols; j++) row[j] = t.values[j * t.nRows + i];
      lines.push(row.join(','));
    }
    fs.writeFileSync(path.join(dir, file), lines.join('\n') + '\n');
  };
  writeTable('env.csv', sim.environment);
  writeTable('Y.csv', sim.abundance);
  fs.writeFileSync(path.join(dir, 'factor.csv'), 'factor\n' + factor.join('\n') + '\n');
  const out = path.join(dir, 'r_timing.csv');
  console.log(
    `timing R ade4 on the same tables (${dir}); rtest(nic, ${rtestReps}) alone takes minutes …`
  );
  const log = execFileSync(
    'Rscript',
    [path.join(__dirname, 'ade4_timing.R'), dir, String(rtestReps), out],
    { encoding: 'utf8' }
  );
  process.stdout.write(log);
  const parse = file => {
    const [, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
    return Object.fromEntries(
      rows.map(l => l.split(',')).map(c => [c[0].replace(/"/g, ''), Number(c[1])])
    );
  };
  r = parse(out);
  rChecks = parse(out.replace(/\.csv$/, '_checks.csv'));
  fs.rmSync(dir, { recursive: true, force: true });
} else {
  console.log(
    'Rscript with ade4 not found: node timings only (apt-get install -y r-base-core r-cran-ade4)'
  );
}

const labels = {
  pca: 'dudi.pca / environmentalPca',
  omi: 'niche / omiAnalysis',
  niche_param: 'niche.param / nicheParameters',
  witomi_20_subsets: 'WitOMI, 20 subsets / witomi',
  permutation_test: `rtest(nic, ${rtestReps}) / omiPermutationTest`,
  permutation_test_r_stream: `  same, generator 'R' (R's draws)`,
  responses: 'weighted mean+SD / omiSpeciesResponses'
};
console.log('');
console.log(
  `${'step'.padEnd(46)}${'node s'.padStart(10)}${'R s'.padStart(10)}${'node/R'.padStart(10)}  goal ≤ 0.5`
);
for (const k of Object.keys(labels)) {
  const rv = r ? r[k === 'permutation_test_r_stream' ? 'permutation_test' : k] : NaN;
  const ratio = node[k] / rv;
  console.log(
    `${labels[k].padEnd(46)}${node[k].toFixed(4).padStart(10)}${(r ? rv.toFixed(3) : '–').padStart(10)}` +
      `${(r ? ratio.toExponential(2) : '–').padStart(10)}  ${r ? (ratio <= 0.5 ? 'met' : 'NOT met') : ''}`
  );
}
if (rChecks) {
  console.log('\nsame data, same numbers (node vs R):');
  for (const k of Object.keys(nodeChecks)) {
    const rk = k.replace(/_r_stream$/, '');
    const rel = Math.abs(nodeChecks[k] - rChecks[rk]) / Math.abs(rChecks[rk]);
    const note =
      k === 'mean_OMI_expectation'
        ? ' (fast generator: agrees statistically, not digit for digit)'
        : k === 'mean_OMI_expectation_r_stream'
          ? " (generator 'R', seed 1: R's own draws)"
          : '';
    console.log(
      `  ${k.padEnd(30)} node ${nodeChecks[k].toPrecision(15)}  R ${rChecks[rk].toPrecision(15)}  rel.diff ${rel.toExponential(1)}${note}`
    );
  }
}
console.log(`\nnode ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores`);
