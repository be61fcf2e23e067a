import { messageText } from '@odatis-vre/harmonised';
import { NicheInputError } from './errors';
import { DataTable } from './table';

/**
 * Species profiles in sparse form: for species j, the samples where it occurs (`sample`) and its relative
 * frequency there (`freq` = y_ij / Σ_i y_ij), in `offset[j] .. offset[j+1]`. Absences do not contribute to any
 * OMI statistic, so skipping them is exact and makes every kernel proportional to the number of occurrences.
 */
export interface SpeciesProfiles {
  nSamples: number;
  nSpecies: number;
  species: readonly string[];
  offset: Int32Array;
  sample: Int32Array;
  freq: Float64Array;
  /** Raw value (abundance) at each occurrence. */
  weight: Float64Array;
  /** Σ_i y_ij per species. */
  total: Float64Array;
}

/**
 * Validates the samples × species table and builds the profiles. Like ade4 `niche`, a species whose column
 * sums to 0 is an error (ade4: "Column sum <=0 in Y"); `dropAbsentSpecies` removes such species instead and
 * reports them.
 */
export function speciesProfiles(
  abundance: DataTable,
  options: { dropAbsentSpecies?: boolean } = {}
): { profiles: SpeciesProfiles; droppedSpecies: string[] } {
  const n = abundance.nRows;
  const y = abundance.values;
  if (abundance.nCols < 1 || n < 1) {
    throw new NicheInputError(
      'empty',
      messageText('the abundance table has %1 samples and %2 species', n, abundance.nCols),
      {
        table: 'abundance',
        expected: messageText('≥ 1 sample and ≥ 1 species'),
        found: `${n} × ${abundance.nCols}`
      }
    );
  }
  const keep: number[] = [];
  const dropped: string[] = [];
  const sums = new Float64Array(abundance.nCols);
  // the dense table is read once: each column's occurrences are kept while validating it
  const occurrencesOf: Int32Array[] = [];
  const scratch = new Int32Array(n);
  let nnz = 0;
  for (let j = 0; j < abundance.nCols; j++) {
    const col = y.subarray(j * n, (j + 1) * n);
    let s = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      // one comparison rejects NaN, ±Infinity and negatives; the slow path says which
      if (!(v >= 0 && v < Infinity)) badCell(abundance, i, j, v);
      scratch[c] = i; // branch-free compaction: the slot is kept only when v > 0
      c += v > 0 ? 1 : 0;
      s += v;
    }
    occurrencesOf.push(scratch.slice(0, c));
    if (s === Infinity) {
      throw new NicheInputError(
        'out-of-range',
        messageText(
          'abundance: the total of species "%1" overflows double precision; ' +
            'express the abundances in a larger unit',
          abundance.colNames[j]
        ),
        {
          table: 'abundance',
          column: abundance.colNames[j],
          expected: messageText('a finite column total'),
          found: 'Infinity'
        }
      );
    }
    sums[j] = s;
    if (s > 0) {
      keep.push(j);
      nnz += c;
    } else dropped.push(abundance.colNames[j]);
  }
  if (dropped.length > 0 && !options.dropAbsentSpecies) {
    throw new NicheInputError(
      'species-never-observed',
      messageText(
        'abundance: %1 species never observed (column sum 0): %2; ' +
          'remove them or pass dropAbsentSpecies (ade4 stops with "Column sum <=0 in Y")',
        dropped.length,
        dropped.slice(0, 10).join(', ') + (dropped.length > 10 ? '…' : '')
      ),
      {
        table: 'abundance',
        column: dropped[0],
        expected: messageText('every species observed at least once'),
        found: messageText('%1 never observed', dropped.length)
      }
    );
  }
  if (keep.length === 0) {
    throw new NicheInputError(
      'empty',
      messageText('abundance: no species was observed in any sample'),
      {
        table: 'abundance',
        expected: messageText('at least one non-zero count'),
        found: messageText('all zeros')
      }
    );
  }
  const s = keep.length;
  const offset = new Int32Array(s + 1);
  const sample = new Int32Array(nnz);
  const freq = new Float64Array(nnz);
  const weight = new Float64Array(nnz);
  const total = new Float64Array(s);
  let k = 0;
  keep.forEach((j, jj) => {
    offset[jj] = k;
    const t = sums[j];
    total[jj] = t;
    const col = y.subarray(j * n, (j + 1) * n);
    const occ = occurrencesOf[j];
    for (let q = 0; q < occ.length; q++) {
      const i = occ[q];
      const v = col[i];
      sample[k] = i;
      weight[k] = v;
      freq[k] = v / t;
      k++;
    }
  });
  offset[s] = k;
  return {
    profiles: {
      nSamples: n,
      nSpecies: s,
      species: keep.map(j => abundance.colNames[j]),
      offset,
      sample,
      freq,
      weight,
      total
    },
    droppedSpecies: dropped
  };
}

function badCell(abundance: DataTable, i: number, j: number, v: number): never {
  const where = {
    table: 'abundance',
    row: abundance.rowNames[i],
    column: abundance.colNames[j]
  };
  if (v < 0) {
    throw new NicheInputError(
      'negative-abundance',
      messageText(
        'abundance: species "%1" in sample "%2" (row %3) is %4',
        where.column,
        where.row,
        i + 1,
        v
      ),
      { ...where, expected: messageText('a count ≥ 0'), found: String(v) }
    );
  }
  throw new NicheInputError(
    'missing-value',
    messageText(
      'abundance: species "%1" in sample "%2" (row %3) is %4; ' +
        'an absence must be 0, and a sample without a count must be removed',
      where.column,
      where.row,
      i + 1,
      v
    ),
    { ...where, expected: messageText('a finite count ≥ 0'), found: String(v) }
  );
}
