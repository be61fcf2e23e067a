import { messageText } from '@odatis-vre/harmonised';
import { asDudi, Dudi } from './dudi';
import { NicheInputError } from './errors';
import { PcaResult } from './pca';
import { SpeciesProfiles, speciesProfiles } from './profiles';
import { DataTable, makeTable } from './table';

export interface OmiOptions {
  /** Axes kept (ade4 `nf`, default 2); capped by the PCA's nf and by the rank, as in ade4. */
  nf?: number;
  /** Drop species never observed instead of stopping (ade4 stops). Default false. */
  dropAbsentSpecies?: boolean;
}

/**
 * ade4 `niche(dudiX, Y)`: the Outlying Mean Index analysis. `li` are species positions, `ls` sample scores,
 * `c1`/`co` variable scores, `as` the PCA axes projected on the OMI axes, `lw` species weights.
 */
export interface OmiResult extends Dudi {
  /** Species centroids in the standardised environment, Pᵀ Z (species × variables): ade4 `tab`. */
  tab: DataTable;
  /** Sample scores Z · c1 (samples × nf). */
  ls: DataTable;
  /** PCA axes on OMI axes (PCA nf × nf). */
  as: DataTable;
  species: readonly string[];
  variables: readonly string[];
  /** Species removed because never observed (only with `dropAbsentSpecies`). */
  droppedSpecies: string[];
  /** The environmental PCA the analysis was run on. */
  pca: PcaResult;
  /** Sparse species profiles (relative frequencies), reused by niche parameters, tests and WitOMI. */
  profiles: SpeciesProfiles;
  /** Z, row-major (sample i, variable k at `zRows[i * p + k]`): the layout of the inner loops. */
  zRows: Float64Array;
}

export function rowMajor(t: DataTable): Float64Array {
  const { nRows: n, nCols: p, values } = t;
  const out = new Float64Array(n * p);
  for (let k = 0; k < p; k++) for (let i = 0; i < n; i++) out[i * p + k] = values[k * n + i];
  return out;
}

/** Species centroids Pᵀ Z, species × variables (column-major). */
function centroids(pr: SpeciesProfiles, zRows: Float64Array, p: number): Float64Array {
  const s = pr.nSpecies;
  const out = new Float64Array(s * p);
  const m = new Float64Array(p);
  for (let j = 0; j < s; j++) {
    m.fill(0);
    for (let e = pr.offset[j]; e < pr.offset[j + 1]; e++) {
      const f = pr.freq[e];
      const base = pr.sample[e] * p;
      for (let k = 0; k < p; k++) m[k] += f * zRows[base + k];
    }
    for (let k = 0; k < p; k++) out[k * s + j] = m[k];
  }
  return out;
}

/** The OMI analysis of a samples × species table on an environmental PCA (ade4 `niche`). */
export function omiAnalysis(
  pca: PcaResult,
  abundance: DataTable,
  options: OmiOptions = {}
): OmiResult {
  const n = pca.tab.nRows;
  const p = pca.tab.nCols;
  if (abundance.nRows !== n) {
    throw new NicheInputError(
      'sample-count-mismatch',
      messageText(
        'the abundance table has %1 samples but the environmental table has %2 ' +
          '(ade4: "Non equal row numbers"); both must describe the same samples in the same order',
        abundance.nRows,
        n
      ),
      {
        table: 'abundance',
        expected: messageText('%1 samples', n),
        found: `${abundance.nRows}`
      }
    );
  }
  const { profiles, droppedSpecies } = speciesProfiles(abundance, {
    dropAbsentSpecies: options.dropAbsentSpecies
  });
  const s = profiles.nSpecies;
  const zRows = rowMajor(pca.tab);
  const tab = makeTable(centroids(profiles, zRows, p), s, p, profiles.species, pca.tab.colNames);
  let grand = 0;
  for (let j = 0; j < s; j++) grand += profiles.total[j];
  const lw = Float64Array.from(profiles.total, t => t / grand);
  const nfWanted = Math.min(options.nf ?? 2, pca.nf);
  const dudi = asDudi(tab, pca.cw, lw, nfWanted);
  const nf = dudi.nf;
  // U = c1 * cw: the OMI axes as weights on the standardised variables
  const u = new Float64Array(p * nf);
  for (let k = 0; k < nf; k++)
    for (let j = 0; j < p; j++) u[k * p + j] = dudi.c1.values[k * p + j] * pca.cw[j];
  const ls = new Float64Array(n * nf);
  for (let k = 0; k < nf; k++) {
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < p; j++) acc += zRows[i * p + j] * u[k * p + j];
      ls[k * n + i] = acc;
    }
  }
  const pnf = pca.nf;
  const as = new Float64Array(pnf * nf);
  for (let k = 0; k < nf; k++) {
    for (let a = 0; a < pnf; a++) {
      let acc = 0;
      for (let j = 0; j < p; j++) acc += pca.c1.values[a * p + j] * u[k * p + j];
      as[k * pnf + a] = acc;
    }
  }
  return {
    ...dudi,
    tab,
    ls: makeTable(ls, n, nf, pca.tab.rowNames, dudi.c1.colNames),
    as: makeTable(as, pnf, nf, pca.li.colNames, dudi.li.colNames),
    species: profiles.species,
    variables: pca.tab.colNames,
    droppedSpecies,
    pca,
    profiles,
    zRows
  };
}
