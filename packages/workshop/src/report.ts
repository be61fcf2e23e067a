/**
 * The pairing report as a notebook output: what was read, what was paired, what was left out and why, with
 * the dropped samples and the rare taxa as downloadable CSV.
 */
import type { Pairing, PairingReport, RowCounts } from './pairing';
import { escapeHtml, tableOutput, type MimeBundle } from './tables';

const ROW_REASONS: [keyof RowCounts, string][] = [
  ['biology', 'counted (biology)'],
  ['environment', 'measured (environment)'],
  ['notAsked', 'not asked for (other parameters)'],
  ['otherTaxon', 'counts of taxa not chosen (their samples count, with 0)'],
  ['otherDataset', 'other dataset'],
  ['otherSite', 'other station'],
  ['outsideYears', 'outside the years (± the window for hydrology)'],
  ['otherUnit', 'other unit than the one chosen'],
  ['rejectedQuality', 'quality flag not accepted'],
  ['missingValue', 'missing value'],
  ['outsideLayer', 'outside the depth layer'],
  ['unknownDepth', 'depth unknown (left out)']
];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One sentence: how many samples were paired out of how many, and the window. */
export function pairingSummary(report: PairingReport): string {
  const o = report.options;
  const layer = o.depth ? `, depth ${o.depth.min}–${o.depth.max} m` : '';
  return (
    `${plural(report.paired, 'sample')} paired of ${plural(report.biologySamples, 'biology sample')} ` +
    `(${report.dropped.length} dropped), hydrology within ±${plural(o.windowDays, 'day')}` +
    ` (${o.match === 'event' ? 'one date for all variables' : 'nearest date of each variable'})${layer}; ` +
    `${plural(report.taxa.kept, 'taxon', 'taxa')} kept with ≥ ${o.minOccurrences} occurrences` +
    (report.taxa.rare.length ? `, ${report.taxa.rare.length} rarer left out` : '') +
    '.'
  );
}

/** The pairing report: summary, rows by fate, stations, lags, dropped samples and rare taxa. */
export function pairingReport(pairing: Pairing): MimeBundle {
  const r = pairing.report;
  const o = r.options;
  const rowTable = ROW_REASONS.filter(
    ([k]) => r.rows[k] > 0 || k === 'biology' || k === 'environment'
  )
    .map(
      ([k, label]) =>
        `<tr><td>${escapeHtml(label)}</td><td class="neo-workshop-number">${r.rows[k].toLocaleString('en-US')}</td></tr>`
    )
    .join('');
  const flags = Object.entries(r.timeFlags);
  const notes: string[] = [];
  if (flags.length) {
    notes.push(
      `Rows whose clock time is not to be trusted (time_flag): ${flags.map(([f, n]) => `${escapeHtml(f)} ${n}`).join(', ')}; ` +
        'they pair by their date only (the pairing never uses the hour).'
    );
  }
  if (r.multiDepthSamples) {
    notes.push(
      `${plural(r.multiDepthSamples, 'biology sample')} counted at several depths of the layer: counts averaged over the depths.`
    );
  }
  if (r.sharedDates) {
    notes.push(
      `${plural(r.sharedDates, 'station-date')} with biology from several datasets: kept as separate samples.`
    );
  }
  if (r.samplesWithoutKeptTaxa) {
    notes.push(
      `${plural(r.samplesWithoutKeptTaxa, 'paired sample')} hold none of the kept taxa (kept: they describe the available environment).`
    );
  }
  if (r.taxa.notFound.length) {
    notes.push(`Taxa asked for but never counted: ${r.taxa.notFound.map(escapeHtml).join(', ')}.`);
  }
  const units = pairing.units;
  const quantities =
    `counts: <code>${escapeHtml(o.abundance.parameter)}</code> in ${escapeHtml(units.abundance ?? '(no unit)')}; ` +
    o.environment
      .map(
        (q, j) =>
          `<code>${escapeHtml(q.parameter)}</code> in ${escapeHtml(units.environment[j] ?? '(no unit)')}`
      )
      .join(', ');
  const html =
    `<div class="neo-workshop-report"><h4>Pairing report</h4>` +
    `<p><b>${escapeHtml(pairingSummary(r))}</b></p>` +
    `<p>Quantities: ${quantities}. Stations are matched by their site id (the site register of the conversion); ` +
    `dates are UTC dates.</p>` +
    `<table><thead><tr><th>rows of the dataset</th><th>count</th></tr></thead><tbody>${rowTable}` +
    `<tr><th>read</th><th class="neo-workshop-number">${r.rows.read.toLocaleString('en-US')}</th></tr></tbody></table>` +
    (notes.length ? `<ul>${notes.map(n => `<li>${n}</li>`).join('')}</ul>` : '') +
    `</div>`;
  const text = [
    'Pairing report',
    pairingSummary(r),
    ...ROW_REASONS.filter(([k]) => r.rows[k] > 0).map(([k, label]) => `  ${label}: ${r.rows[k]}`),
    `  read: ${r.rows.read}`
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/** Paired samples per station (north to south). */
export function stationTable(pairing: Pairing, filename = 'pairing-stations'): MimeBundle {
  const rows = [...pairing.report.sites]
    .sort((a, b) => (b.latitude ?? -90) - (a.latitude ?? -90))
    .map(s => ({
      station: s.siteId,
      name: s.siteName,
      latitude: s.latitude,
      'biology samples': s.biologySamples,
      paired: s.paired,
      dropped: s.dropped,
      first: s.firstDate,
      last: s.lastDate
    }));
  return tableOutput(rows, { title: 'Samples per station', filename });
}

/** How far the hydrology dates are from the biology dates, per variable. */
export function lagTable(pairing: Pairing, filename = 'pairing-lags'): MimeBundle {
  return tableOutput(
    pairing.report.lags.map(l => ({
      variable: l.variable,
      'same date': l.sameDay,
      'other date': l.otherDay,
      'largest |lag| (days)': l.maxAbs,
      'mean |lag| (days)': l.meanAbs
    })),
    { title: 'Distance between biology and hydrology dates', filename }
  );
}

/** Every dropped biology sample with the reason (the CSV has all of them). */
export function droppedTable(pairing: Pairing, filename = 'pairing-dropped'): MimeBundle {
  const rows = pairing.report.dropped.map(d => ({
    station: d.siteId,
    date: d.date,
    dataset: d.dataset,
    reason: d.reason
  }));
  return tableOutput(rows, {
    title: 'Biology samples dropped',
    filename,
    columns: ['station', 'date', 'dataset', 'reason'],
    maxRows: 20
  });
}

/** Taxa left out for having too few occurrences. */
export function rareTaxaTable(pairing: Pairing, filename = 'pairing-rare-taxa'): MimeBundle {
  return tableOutput(
    pairing.report.taxa.rare.map(t => ({ taxon: t.taxon, occurrences: t.occurrences })),
    {
      title: `Taxa left out (fewer than ${pairing.report.options.minOccurrences} occurrences)`,
      filename,
      columns: ['taxon', 'occurrences'],
      maxRows: 20
    }
  );
}
