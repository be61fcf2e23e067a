/**
 * The NEO query set and the generated harmonised long table (deterministic: integer hashing of the row
 * number with a seed, so DuckDB-WASM and native DuckDB build the very same table).
 */
const SITES = 20;
// 35 years from 1990; sample days are spread over them (7919 is prime to 12775) whatever the row count.
const DAYS = 12775;
const PARAMETERS = [
  'TEMP',
  'PSAL',
  'DOX1',
  'PHPH',
  'NTRA',
  'PHOS',
  'SLCA',
  'CPHL',
  'TURB',
  'NH4',
  'ABUNDANCE',
  'ABUNDANCE'
];
const TAXA = Array.from({ length: 40 }, (_, k) => `Taxon ${String(k).padStart(2, '0')}`);

function enumOf(values) {
  return `ENUM (${[...new Set(values)].map(v => `'${v}'`).join(', ')})`;
}

/** SQL statements that create the table `harmonised` with `rows` rows. */
function generateSql(rows, seed) {
  const sites = Array.from({ length: SITES }, (_, s) => `site-${String(s).padStart(2, '0')}`);
  // u(k): a uniform number in [0, 1) from the row number i, the seed and a stream k (Knuth multiplicative hash).
  const u = k => `((((i + ${seed} + ${k} * 7919) * 2654435761) % 4294967296) / 4294967296.0)`;
  return [
    `CREATE TYPE sno_t AS ${enumOf(['SOMLIT', 'PHYTOBS'])}`,
    `CREATE TYPE site_t AS ${enumOf(sites)}`,
    `CREATE TYPE param_t AS ${enumOf(PARAMETERS)}`,
    `CREATE TYPE taxon_t AS ${enumOf(TAXA)}`,
    `CREATE TYPE unit_t AS ${enumOf(['degC', 'PSU', 'umol/kg', '1', 'umol/l', 'mg/m3', 'NTU', 'cells/l'])}`,
    `CREATE TABLE harmonised AS
     SELECT CASE WHEN s < 12 THEN 'SOMLIT' ELSE 'PHYTOBS' END::sno_t AS sno,
            ('site-' || lpad(s::VARCHAR, 2, '0'))::site_t AS site_id,
            ('site-' || lpad(s::VARCHAR, 2, '0'))::site_t AS site_name,
            43.0 + s * 0.4 AS latitude, -4.5 + s * 0.5 AS longitude,
            (TIMESTAMP '1990-01-01' + to_days(d::INTEGER) + to_hours((i % 12)::INTEGER))::TIMESTAMP_MS AS time,
            CASE WHEN k < 10 THEN round(${u(1)} * 20, 1) ELSE 0.5 END AS depth,
            (${JSON.stringify(PARAMETERS).replace(/"/g, "'")})[k + 1]::param_t AS parameter,
            (${JSON.stringify(PARAMETERS).replace(/"/g, "'")})[k + 1]::param_t AS p01,
            NULL::param_t AS p02,
            CASE WHEN k >= 10 THEN ('Taxon ' || lpad(((i * 31 + ${seed}) % 40)::VARCHAR, 2, '0'))::taxon_t END AS taxon,
            CASE WHEN k >= 10 THEN (100000 + (i * 31 + ${seed}) % 40)::INTEGER END AS aphia_id,
            CASE WHEN k = 0 THEN 14 + 5 * sin(2 * pi() * (d % 365) / 365.0) + 2 * ${u(2)}
                 WHEN k >= 10 THEN floor(${u(3)} * 1000)
                 ELSE k * 3 + 4 * ${u(4)} END AS value,
            (['degC', 'PSU', 'umol/kg', '1', 'umol/l', 'umol/l', 'umol/l', 'mg/m3', 'NTU', 'umol/l', 'cells/l', 'cells/l'])[k + 1]::unit_t AS unit,
            (CASE WHEN ${u(5)} < 0.95 THEN 1 WHEN ${u(5)} < 0.98 THEN 2 ELSE 4 END)::UTINYINT AS quality,
            NULL::VARCHAR AS source_flag,
            NULL::VARCHAR AS source_file,
            (i % 100000)::INTEGER AS source_row
       FROM (SELECT i, i % ${SITES} AS s, (i // ${SITES}) % 12 AS k, ((i // ${SITES * 12}) * 7919) % ${DAYS} AS d
               FROM range(${rows}) t(i))`
  ];
}

/** The NEO query set. */
const QUERIES = [
  {
    name: 'monthly climatology per site and parameter',
    sql: `SELECT site_id, parameter, month(time) AS month, avg(value) AS mean, stddev_samp(value) AS sd, count(*) AS n
            FROM harmonised WHERE taxon IS NULL AND quality <= 2
           GROUP BY ALL ORDER BY site_id, parameter, month`
  },
  {
    name: 'per-site time window',
    sql: `SELECT time, parameter, depth, value, quality FROM harmonised
           WHERE site_id = 'site-07' AND time >= TIMESTAMP '2005-01-01' AND time < TIMESTAMP '2010-01-01'
           ORDER BY time, parameter`
  },
  {
    name: '30-day rolling mean (one site, all parameters)',
    sql: `WITH daily AS (
            SELECT parameter, time::DATE AS day, avg(value) AS v FROM harmonised
             WHERE site_id = 'site-03' AND taxon IS NULL GROUP BY ALL)
          SELECT parameter, day, v,
                 avg(v) OVER (PARTITION BY parameter ORDER BY day
                              RANGE BETWEEN INTERVAL 29 DAYS PRECEDING AND CURRENT ROW) AS rolling_30d
            FROM daily ORDER BY parameter, day`
  },
  {
    name: 'species x environment join on sample date',
    sql: `WITH species AS (
            SELECT site_id, time::DATE AS day, taxon, value AS abundance FROM harmonised WHERE taxon IS NOT NULL),
               env AS (
            SELECT site_id, time::DATE AS day, avg(value) AS temp FROM harmonised WHERE parameter = 'TEMP' GROUP BY ALL)
          SELECT taxon, count(*) AS samples, sum(abundance * temp) / sum(abundance) AS weighted_temp,
                 min(temp) AS tmin, max(temp) AS tmax
            FROM species JOIN env USING (site_id, day)
           GROUP BY taxon ORDER BY taxon`
  }
];

module.exports = { generateSql, QUERIES };
