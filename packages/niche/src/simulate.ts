import { SeededRandom } from './random';
import { DataTable, makeTable } from './table';

export interface GaussianCommunityOptions {
  nSamples: number;
  nVariables: number;
  nSpecies: number;
  seed?: number;
  /** 'uniform': each standardised gradient uniform on [−halfRange, halfRange]; 'normal': N(0, 1). */
  gradients?: 'uniform' | 'normal';
  halfRange?: number;
  /** Standardised optima drawn uniform on [−optimumSpread, optimumSpread]. */
  optimumSpread?: number;
  /** Standardised tolerances (Gaussian SD) drawn uniform on this interval. */
  toleranceRange?: readonly [number, number];
  /** Expected count at the optimum. */
  maxAbundance?: number;
}

/** A simulated community whose true optima and tolerances are known. */
export interface GaussianCommunity {
  environment: DataTable;
  abundance: DataTable;
  /** True optima in raw units (species × variables). */
  optima: DataTable;
  /** True tolerance of each species along each variable, in raw units (species × variables). */
  tolerances: DataTable;
}

/**
 * Seeded generator of counts with Gaussian responses: for sample i and species j,
 * y_ij ~ Poisson(A · exp(−Σ_k (u_ik − μ_jk)² / (2 σ_j²))), u_ik the standardised gradient value. Raw variable
 * k is `offset_k + scale_k · u` with offset_k = 10 + 2k and scale_k = 1 + k/2, so optima and tolerances are
 * known in raw units. With uniform gradients wide enough around the optima (halfRange − optimumSpread ≥ 3σ),
 * the abundance-weighted mean of each raw variable estimates the optimum and the weighted SD the tolerance.
 * A species drawn so far from the samples that it is never counted is redrawn, so every species occurs.
 */
export function simulateGaussianCommunity(options: GaussianCommunityOptions): GaussianCommunity {
  const { nSamples: n, nVariables: p, nSpecies: s } = options;
  const rng = new SeededRandom(options.seed ?? 1);
  const half = options.halfRange ?? 4;
  const spread = options.optimumSpread ?? 1.5;
  const [tmin, tmax] = options.toleranceRange ?? [0.5, 0.8];
  const A = options.maxAbundance ?? 30;
  const uniform = (options.gradients ?? 'uniform') === 'uniform';
  const u = new Float64Array(n * p); // row-major standardised gradients
  for (let k = 0; k < n * p; k++)
    u[k] = uniform ? (2 * rng.nextFloat() - 1) * half : rng.nextNormal();
  const offset = Float64Array.from({ length: p }, (_, k) => 10 + 2 * k);
  const scale = Float64Array.from({ length: p }, (_, k) => 1 + k / 2);
  const env = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < p; k++) env[k * n + i] = offset[k] + scale[k] * u[i * p + k];
  const y = new Float64Array(n * s);
  const opt = new Float64Array(s * p);
  const tol = new Float64Array(s * p);
  const mu = new Float64Array(p);
  for (let j = 0; j < s; j++) {
    for (;;) {
      for (let k = 0; k < p; k++) mu[k] = (2 * rng.nextFloat() - 1) * spread;
      const sigma = tmin + (tmax - tmin) * rng.nextFloat();
      let total = 0;
      for (let i = 0; i < n; i++) {
        let d2 = 0;
        for (let k = 0; k < p; k++) {
          const d = u[i * p + k] - mu[k];
          d2 += d * d;
        }
        const c = rng.nextPoisson(A * Math.exp(-d2 / (2 * sigma * sigma)));
        y[j * n + i] = c;
        total += c;
      }
      if (total > 0) {
        for (let k = 0; k < p; k++) {
          opt[k * s + j] = offset[k] + scale[k] * mu[k];
          tol[k * s + j] = scale[k] * sigma;
        }
        break;
      }
    }
  }
  const samples = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  const variables = Array.from({ length: p }, (_, k) => `v${k + 1}`);
  const species = Array.from({ length: s }, (_, j) => `sp${String(j + 1).padStart(3, '0')}`);
  return {
    environment: makeTable(env, n, p, samples, variables),
    abundance: makeTable(y, n, s, samples, species),
    optima: makeTable(opt, s, p, species, variables),
    tolerances: makeTable(tol, s, p, species, variables)
  };
}
