#!/usr/bin/env node
// A local stand-in for the remote catalogues, answering in each service's real format (see
// README.md beside this file for the references): GeoNetwork 4's Elasticsearch search (Sextant),
// DataCite's REST API and SEANOE's find-by-id (SEANOE), ERDDAP's advanced search, info and tabledap.
// Loopback only, bounded (request bodies, delays, run time), for unit and browser tests.
//
// Faults are chosen by a path prefix, so a client configured with such a base URL meets them:
//   /slow/<ms>/…      the same answer after <ms> milliseconds (at most 10 s)
//   /broken-json/…    the answer cut in the middle (malformed JSON)
//   /error/<status>/… the status, with the service's own error format
//   /html/…           a web page (a login wall) instead of JSON
//   /no-cors/…        the answer without CORS headers: a browser refuses to give it to the page
// Normal answers allow any origin (as ERDDAP with CORS enabled does).
const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');
const { DATASETS, rowsOf } = require('./erddap-datasets');

const DATA = path.join(__dirname, 'data');
const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
const MAX_BODY = 64 * 1024;
const MAX_DELAY = 10_000;

const readJson = name => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'));

/** Text folded for matching: lower case, no accents. */
const fold = s => String(s).normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = s =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

// ---------------------------------------------------------------------------------------------
// Elasticsearch, the subset a GeoNetwork 4 search uses.

class EsError extends Error {
  constructor(type, reason, status = 400) {
    super(reason);
    this.type = type;
    this.status = status;
  }
}

/** Values of a dotted field in a document; arrays are flattened, `.keyword` is the field itself. */
function fieldValues(doc, field) {
  const parts = field.replace(/\.keyword$/, '').split('.');
  let values = [doc];
  for (const p of parts) {
    values = values.flatMap(v => {
      const x = v && typeof v === 'object' ? v[p] : undefined;
      return x === undefined || x === null ? [] : Array.isArray(x) ? x : [x];
    });
  }
  return values;
}

/** All strings below a value. */
function leaves(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [];
}

/** The text of the fields a query_string names (`name.*^2`: any subfield, boost ignored). */
function textOfFields(doc, fields) {
  return (fields ?? ['any.*']).flatMap(f => {
    const name = f.replace(/\^[\d.]+$/, '');
    if (name === 'any.*' || name === '*') return leaves(doc);
    if (name.endsWith('.*')) return leaves(fieldValues(doc, name.slice(0, -2)));
    return leaves(fieldValues(doc, name));
  });
}

/** query_string, as far as GeoNetwork clients use it: words, "phrases", AND/OR, \-escapes. */
function parseQueryString(query) {
  const groups = [[]];
  let i = 0;
  const q = String(query);
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = q.indexOf('"', i + 1);
      if (end < 0)
        throw new EsError('query_shard_exception', `Failed to parse query [${q}]: unclosed phrase`);
      groups[groups.length - 1].push(tokens(q.slice(i + 1, end)));
      i = end + 1;
    } else {
      let word = '';
      while (i < q.length && !/\s/.test(q[i])) {
        if (q[i] === '\\' && i + 1 < q.length) {
          word += q[i + 1];
          i += 2;
        } else if (/[+\-=&|><!(){}[\]^"~*?:/]/.test(q[i])) {
          throw new EsError(
            'query_shard_exception',
            `Failed to parse query [${q}]: Cannot parse '${q}': unexpected '${q[i]}' (escape it)`
          );
        } else {
          word += q[i++];
        }
      }
      if (word === 'OR') groups.push([]);
      else if (word !== 'AND' && tokens(word).length) groups[groups.length - 1].push(tokens(word));
    }
  }
  return groups.filter(g => g.length);
}

function phraseIn(words, phrase) {
  for (let k = 0; k + phrase.length <= words.length; k++) {
    if (phrase.every((p, j) => words[k + j] === p)) return true;
  }
  return false;
}

const time = v => {
  const t = Date.parse(/^\d{4}$/.test(v) ? `${v}-01-01` : v);
  if (Number.isNaN(t)) throw new EsError('parse_exception', `failed to parse date field [${v}]`);
  return t;
};

function boundsOf(geometry) {
  const xs = [];
  const ys = [];
  const visit = c => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      xs.push(c[0]);
      ys.push(c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const g of Array.isArray(geometry) ? geometry : [geometry]) if (g) visit(g.coordinates);
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

/** Does a document match an Elasticsearch query (the subset GeoNetwork searches use)? */
function matches(doc, query) {
  const [type, body] = Object.entries(query ?? { match_all: {} })[0] ?? ['match_all', {}];
  switch (type) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = k => (body[k] === undefined ? [] : Array.isArray(body[k]) ? body[k] : [body[k]]);
      return (
        list('must').every(q => matches(doc, q)) &&
        list('filter').every(q => matches(doc, q)) &&
        !list('must_not').some(q => matches(doc, q)) &&
        (list('should').length === 0 || list('should').some(q => matches(doc, q)))
      );
    }
    case 'term': {
      const [field, value] = Object.entries(body)[0];
      const v = value && typeof value === 'object' ? value.value : value;
      return fieldValues(doc, field).some(x => String(x) === String(v));
    }
    case 'terms': {
      const [field, values] = Object.entries(body)[0];
      if (!Array.isArray(values))
        throw new EsError(
          'parsing_exception',
          `[terms] query requires an array of values for [${field}]`
        );
      return fieldValues(doc, field).some(x => values.map(String).includes(String(x)));
    }
    case 'query_string': {
      const words = tokens(textOfFields(doc, body.fields).join(' '));
      const groups = parseQueryString(body.query);
      const or = body.default_operator && String(body.default_operator).toUpperCase() === 'OR';
      return groups.some(g =>
        or ? g.some(p => phraseIn(words, p)) : g.every(p => phraseIn(words, p))
      );
    }
    case 'range': {
      const [field, r] = Object.entries(body)[0];
      const lo = r.gte !== undefined ? time(r.gte) : -Infinity;
      const hi = r.lte !== undefined ? time(r.lte) : Infinity;
      return fieldValues(doc, field).some(v => {
        const a =
          v && typeof v === 'object' ? (v.gte !== undefined ? time(v.gte) : -Infinity) : time(v);
        const b =
          v && typeof v === 'object' ? (v.lte !== undefined ? time(v.lte) : Infinity) : time(v);
        const relation = r.relation ?? 'intersects';
        if (relation === 'within') return a >= lo && b <= hi;
        if (relation === 'contains') return a <= lo && b >= hi;
        return a <= hi && b >= lo;
      });
    }
    case 'geo_shape': {
      const [field, spec] = Object.entries(body)[0];
      const shape = spec.shape ?? {};
      if (shape.type !== 'envelope' || !Array.isArray(shape.coordinates)) {
        throw new EsError(
          'parsing_exception',
          `[geo_shape] only envelope shapes are understood here, found [${shape.type}]`
        );
      }
      const [[w, n], [e, s]] = shape.coordinates;
      if (!(w <= e && s <= n))
        throw new EsError(
          'parse_exception',
          'envelope: top-left must be above and left of bottom-right'
        );
      const b = boundsOf(fieldValues(doc, field));
      return b !== null && b[0] <= e && w <= b[2] && b[1] <= n && s <= b[3];
    }
    case 'exists':
      return fieldValues(doc, body.field).length > 0;
    default:
      throw new EsError('parsing_exception', `unknown query [${type}]`);
  }
}

function terms(docs, spec) {
  if (!spec || typeof spec.field !== 'string')
    throw new EsError('parsing_exception', '[terms] aggregation needs a field');
  const counts = new Map();
  for (const d of docs) {
    for (const v of new Set(
      fieldValues(d, spec.field).filter(x => typeof x === 'string' || typeof x === 'number')
    )) {
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
  }
  const all = [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const size = spec.size ?? 10;
  return {
    doc_count_error_upper_bound: 0,
    sum_other_doc_count: all.slice(size).reduce((n, [, c]) => n + c, 0),
    buckets: all.slice(0, size).map(([key, doc_count]) => ({ key, doc_count }))
  };
}

function aggregate(docs, aggs) {
  const out = {};
  for (const [name, spec] of Object.entries(aggs ?? {})) {
    if (spec.terms) out[name] = terms(docs, spec.terms);
    else if (spec.filter) {
      const inside = docs.filter(d => matches(d, spec.filter));
      out[name] = { doc_count: inside.length, ...aggregate(inside, spec.aggs) };
    } else throw new EsError('parsing_exception', `unknown aggregation type in [${name}]`);
  }
  return out;
}

/** GeoNetwork 4's POST api/search/records/_search. */
function esSearch(docs, body) {
  const started = Date.now();
  const known = [
    'from',
    'size',
    'track_total_hits',
    'query',
    'post_filter',
    'aggregations',
    'aggs',
    '_source',
    'sort'
  ];
  for (const key of Object.keys(body)) {
    if (!known.includes(key))
      throw new EsError('parsing_exception', `Unknown key for a START_OBJECT in [${key}].`);
  }
  const hitsAll = docs.filter(d => matches(d, body.query));
  const hits = hitsAll.filter(d => !body.post_filter || matches(d, body.post_filter));
  hits.sort((a, b) =>
    fold(fieldValues(a, 'resourceTitleObject.default')[0] ?? '').localeCompare(
      fold(fieldValues(b, 'resourceTitleObject.default')[0] ?? '')
    )
  );
  const from = body.from ?? 0;
  const size = body.size ?? 10;
  if (from + size > 10_000)
    throw new EsError(
      'illegal_argument_exception',
      'Result window is too large, from + size must be less than or equal to: [10000]'
    );
  const includes = body._source?.includes;
  const source = d =>
    includes ? Object.fromEntries(Object.entries(d).filter(([k]) => includes.includes(k))) : d;
  return {
    took: Date.now() - started,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      total: { value: hits.length, relation: 'eq' },
      max_score: hits.length ? 1 : null,
      hits: hits
        .slice(from, from + size)
        .map(d => ({ _index: 'gn-records', _id: d.uuid, _score: 1, _source: source(d) }))
    },
    aggregations: aggregate(hitsAll, body.aggregations ?? body.aggs)
  };
}

// ---------------------------------------------------------------------------------------------
// ERDDAP

const erddapError = (status, message) => ({
  status,
  type: 'text/plain; charset=UTF-8',
  body: `Error {\n    code=${status};\n    message=${JSON.stringify(message)};\n}\n`
});

const isoTime = t => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function erddapAdvancedSearch(origin, params) {
  const words = tokens(params.get('searchFor') ?? '');
  const num = k => (params.get(k) === null || params.get(k) === '' ? null : Number(params.get(k)));
  const t = k => (params.get(k) ? Date.parse(params.get(k)) / 1000 : null);
  const found = DATASETS.filter(d => {
    const g = d.global;
    const text = tokens(
      [g.title, g.summary, g.institution, g.keywords, d.id, ...d.variables.map(v => v.name)].join(
        ' '
      )
    );
    if (!words.every(w => text.includes(w))) return false;
    if (params.get('institution') && fold(params.get('institution')) !== fold(g.institution))
      return false;
    if (params.get('variableName') && !d.variables.some(v => v.name === params.get('variableName')))
      return false;
    const [minLon, maxLon, minLat, maxLat] = ['minLon', 'maxLon', 'minLat', 'maxLat'].map(num);
    if (minLon !== null && Number(g.geospatial_lon_max) < minLon) return false;
    if (maxLon !== null && Number(g.geospatial_lon_min) > maxLon) return false;
    if (minLat !== null && Number(g.geospatial_lat_max) < minLat) return false;
    if (maxLat !== null && Number(g.geospatial_lat_min) > maxLat) return false;
    if (t('minTime') !== null && Date.parse(g.time_coverage_end) / 1000 < t('minTime'))
      return false;
    if (t('maxTime') !== null && Date.parse(g.time_coverage_start) / 1000 > t('maxTime'))
      return false;
    return true;
  });
  if (!found.length)
    return erddapError(404, 'Not Found: Your query produced no matching results. (nRows = 0)');
  const base = `${origin}/erddap`;
  const columnNames = [
    'griddap',
    'Subset',
    'tabledap',
    'Make A Graph',
    'wms',
    'files',
    'Title',
    'Summary',
    'FGDC',
    'ISO 19115',
    'Info',
    'Background Info',
    'RSS',
    'Email',
    'Institution',
    'Dataset ID'
  ];
  const rows = found.map(d => [
    '',
    `${base}/tabledap/${d.id}.subset`,
    `${base}/tabledap/${d.id}`,
    `${base}/tabledap/${d.id}.graph`,
    '',
    '',
    d.global.title,
    d.global.summary,
    `${base}/metadata/fgdc/xml/${d.id}_fgdc.xml`,
    `${base}/metadata/iso19115/xml/${d.id}_iso19115.xml`,
    `${base}/info/${d.id}/index.json`,
    d.global.infoUrl ?? '',
    `${base}/rss/${d.id}.rss`,
    `${base}/subscriptions/add.html?datasetID=${d.id}&showErrors=false&email=`,
    d.global.institution,
    d.id
  ]);
  return json({ table: { columnNames, columnTypes: columnNames.map(() => 'String'), rows } });
}

function erddapInfo(id) {
  const d = DATASETS.find(x => x.id === id);
  if (!d) return erddapError(404, `Not Found: Currently unknown datasetID=${id}`);
  const rows = Object.entries(d.global).map(([k, v]) => ['attribute', 'NC_GLOBAL', k, 'String', v]);
  for (const v of d.variables) {
    rows.push(['variable', v.name, '', v.type, '']);
    for (const [k, [type, value]] of Object.entries(v.attributes))
      rows.push(['attribute', v.name, k, type, value]);
  }
  return json({
    table: {
      columnNames: ['Row Type', 'Variable Name', 'Attribute Name', 'Data Type', 'Value'],
      columnTypes: ['String', 'String', 'String', 'String', 'String'],
      rows
    }
  });
}

function tabledap(id, ext, rawQuery) {
  const d = DATASETS.find(x => x.id === id);
  if (!d) return erddapError(404, `Not Found: Currently unknown datasetID=${id}`);
  if (!['csv', 'csvp', 'json'].includes(ext)) {
    return erddapError(
      400,
      `Bad Request: Query error: fileType=.${ext} is not supported by this test server.`
    );
  }
  const parts = rawQuery ? rawQuery.split('&').map(decodeURIComponent) : [''];
  const names = d.variables.map(v => v.name);
  const selected = parts[0] ? parts[0].split(',').map(s => s.trim()) : names;
  for (const s of selected) {
    if (!names.includes(s))
      return erddapError(400, `Bad Request: Query error: Unrecognized variable="${s}".`);
  }
  const filters = [];
  let limit = null;
  for (const c of parts.slice(1)) {
    const lim = /^orderByLimit\("(\d+)"\)$/.exec(c);
    if (lim) {
      limit = Number(lim[1]);
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(>=|<=|!=|=~|=|<|>)(.*)$/.exec(c);
    if (!m)
      return erddapError(
        400,
        `Bad Request: Query error: Unrecognized constraint or filter: "${c}".`
      );
    const [, name, op, raw] = m;
    if (!names.includes(name))
      return erddapError(
        400,
        `Bad Request: Query error: Unrecognized constraint variable="${name}".`
      );
    const value =
      name === 'time' ? Date.parse(raw.replace(/^"|"$/g, '')) / 1000 : raw.replace(/^"|"$/g, '');
    if (name === 'time' && Number.isNaN(value))
      return erddapError(400, `Bad Request: Query error: Invalid time value "${raw}".`);
    filters.push({ name, op, value });
  }
  const test = (x, op, v) =>
    op === '>='
      ? x >= v
      : op === '<='
        ? x <= v
        : op === '>'
          ? x > v
          : op === '<'
            ? x < v
            : op === '!='
              ? String(x) !== String(v)
              : op === '=~'
                ? new RegExp(`^${v}$`).test(String(x))
                : String(x) === String(v);
  let rows = rowsOf(d).filter(r =>
    filters.every(f =>
      test(
        r[f.name],
        f.op,
        typeof r[f.name] === 'number' && f.name !== 'time' ? Number(f.value) : f.value
      )
    )
  );
  if (limit !== null) rows = rows.slice(0, limit);
  if (!rows.length)
    return erddapError(404, 'Not Found: Your query produced no matching results. (nRows = 0)');
  const unit = n => {
    const v = d.variables.find(x => x.name === n);
    if (n === 'time') return 'UTC';
    return v.attributes.units ? v.attributes.units[1] : '';
  };
  const cell = (r, n) => {
    const x = r[n];
    if (n === 'time') return isoTime(x);
    if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : String(x);
    return /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
  };
  if (ext === 'json') {
    return json({
      table: {
        columnNames: selected,
        columnTypes: selected.map(n => d.variables.find(v => v.name === n).type),
        columnUnits: selected.map(n => unit(n) || null),
        rows: rows.map(r =>
          selected.map(n =>
            n === 'time'
              ? isoTime(r[n])
              : typeof r[n] === 'number' && Number.isNaN(r[n])
                ? null
                : r[n]
          )
        )
      }
    });
  }
  const header =
    ext === 'csvp'
      ? [selected.map(n => (unit(n) ? `${n} (${unit(n)})` : n)).join(',')]
      : [selected.join(','), selected.map(unit).join(',')];
  const lines = [...header, ...rows.map(r => selected.map(n => cell(r, n)).join(','))];
  return { status: 200, type: 'text/csv; charset=UTF-8', body: `${lines.join('\n')}\n` };
}

// ---------------------------------------------------------------------------------------------
// DataCite and SEANOE

function dataciteList(origin, params) {
  const prefix = params.get('prefix');
  const groups = params.get('query') ? parseQueryString(params.get('query')) : [];
  const size = Math.min(Number(params.get('page[size]') ?? 25), 1000);
  const page = Math.max(1, Number(params.get('page[number]') ?? 1));
  const all = readJson('datacite-dois.json').filter(a => {
    if (prefix && !a.doi.startsWith(`${prefix}/`)) return false;
    const words = tokens(
      [
        ...a.titles.map(t => t.title),
        ...(a.descriptions ?? []).map(x => x.description),
        ...(a.subjects ?? []).map(s => s.subject),
        ...a.creators.map(c => c.name)
      ].join(' ')
    );
    return !groups.length || groups.some(g => g.every(p => phraseIn(words, p)));
  });
  const data = all
    .slice((page - 1) * size, page * size)
    .map(a => ({ id: a.doi, type: 'dois', attributes: a }));
  return json(
    {
      data,
      meta: { total: all.length, totalPages: Math.ceil(all.length / size), page },
      links: { self: `${origin}/datacite/dois?${params}` }
    },
    'application/vnd.api+json; charset=utf-8'
  );
}

function dataciteRecord(doi) {
  const a = readJson('datacite-dois.json').find(x => x.doi.toLowerCase() === doi.toLowerCase());
  if (!a)
    return json(
      { errors: [{ status: '404', title: "The resource you are looking for doesn't exist." }] },
      'application/vnd.api+json',
      404
    );
  return json(
    { data: { id: a.doi, type: 'dois', attributes: a } },
    'application/vnd.api+json; charset=utf-8'
  );
}

function seanoeRecord(origin, id) {
  const record = readJson('seanoe-find-by-id.json')[id];
  if (!record)
    return json({ status: 404, message: `No publication with id ${id}` }, 'application/json', 404);
  return json(JSON.parse(JSON.stringify(record).replaceAll('{{SEANOE}}', `${origin}/seanoe`)));
}

/** SEANOE data files: real files of the shared data where there is one, served as published. */
function seanoeFile(file) {
  const shared = name => {
    const p = path.join(SHARED, 'gravelines', name);
    if (!fs.existsSync(p))
      throw new Error(
        `The test server needs the shared data: ${p} is missing (../shared beside the repository)`
      );
    return fs.readFileSync(p);
  };
  switch (file) {
    case '00734/85178/data/1.csv': {
      const p = path.join(SHARED, 'phytobs', 'PELAGOS_Wimereux_SOMLIT_phyto_pointC.csv');
      if (!fs.existsSync(p))
        throw new Error(`The test server needs the shared data: ${p} is missing`);
      return { status: 200, type: 'text/csv', body: fs.readFileSync(p) };
    }
    case '00915/102656/data/11.csv':
      return {
        status: 200,
        type: 'text/csv',
        body: zlib.gunzipSync(shared('SEANOE_Gravelines_Process_Hydro.csv.gz'))
      };
    case '00915/102656/data/12.csv.gz':
      return {
        status: 200,
        type: 'application/gzip',
        body: shared('SEANOE_Gravelines_Process_Phyto.csv.gz')
      };
    case '00915/102656/data/13.json':
      return json({ parameters: ['TEMP', 'SALI'], dateMin: '1978-01-01', station: 'Canal Amenee' });
    default:
      return {
        status: 404,
        type: 'text/html',
        body: '<html><body><h1>404 Not Found</h1></body></html>'
      };
  }
}

// ---------------------------------------------------------------------------------------------

function json(value, type = 'application/json;charset=UTF-8', status = 200) {
  return { status, type, body: JSON.stringify(value) };
}

function route(req, url, body, origin) {
  const p = url.pathname;
  const params = url.searchParams;
  if (p === '/geonetwork/srv/api/search/records/_search') {
    if (req.method !== 'POST')
      return json(
        { message: 'Request method GET not supported', code: 'method_not_allowed' },
        'application/json',
        405
      );
    let query;
    try {
      query = JSON.parse(body || '{}');
    } catch (e) {
      return json(
        {
          error: {
            root_cause: [{ type: 'json_parse_exception', reason: e.message }],
            type: 'json_parse_exception',
            reason: e.message
          },
          status: 400
        },
        'application/json',
        400
      );
    }
    try {
      const docs = JSON.parse(
        fs
          .readFileSync(path.join(DATA, 'sextant-records.json'), 'utf8')
          .replaceAll('{{ERDDAP}}', `${origin}/erddap`)
      );
      return json(esSearch(docs, query));
    } catch (e) {
      if (!(e instanceof EsError)) throw e;
      return json(
        {
          error: {
            root_cause: [{ type: e.type, reason: e.message }],
            type: e.type,
            reason: e.message
          },
          status: e.status
        },
        'application/json',
        e.status
      );
    }
  }
  let m;
  if (p === '/redirect')
    return { status: 302, type: 'text/plain', headers: { Location: params.get('to') }, body: '' };
  if (p === '/datacite/dois') return dataciteList(origin, params);
  if ((m = /^\/datacite\/dois\/(.+)$/.exec(p))) return dataciteRecord(decodeURIComponent(m[1]));
  if ((m = /^\/seanoe\/api\/find-by-id\/(\d+)$/.exec(p))) return seanoeRecord(origin, m[1]);
  if ((m = /^\/seanoe\/data\/(.+)$/.exec(p))) return seanoeFile(m[1]);
  if (p === '/erddap/search/advanced.json') return erddapAdvancedSearch(origin, params);
  if ((m = /^\/erddap\/info\/([^/]+)\/index\.json$/.exec(p))) return erddapInfo(m[1]);
  if ((m = /^\/erddap\/tabledap\/([^/.]+)\.([a-z]+)$/.exec(p)))
    return tabledap(m[1], m[2], url.search.slice(1));
  return { status: 404, type: 'text/plain', body: `The test server has no ${p}\n` };
}

/** The service's own error format for an injected error status. */
function injectedError(pathname, status) {
  if (pathname.startsWith('/erddap'))
    return erddapError(
      status,
      `${status === 503 ? 'Service Unavailable' : 'Internal Server Error'}: injected by the test server`
    );
  if (pathname.startsWith('/geonetwork'))
    return json(
      {
        message: 'Injected failure',
        code: 'runtime_exception',
        description: 'injected by the test server'
      },
      'application/json',
      status
    );
  return json(
    { errors: [{ status: String(status), title: 'Injected failure' }] },
    'application/vnd.api+json',
    status
  );
}

/**
 * Starts the server on 127.0.0.1 (loopback only). `port` 0 picks a free port. Returns the base URL,
 * the requests seen and close(). The server closes itself after `lifetimeMs` (default 30 min).
 */
function startTestServer({ port = 0, lifetimeMs = 30 * 60_000 } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', c => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'Content-Type': 'text/plain' }).end('Request body too large\n');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', async () => {
      if (res.writableEnded) return;
      const origin = `http://${req.headers.host}`;
      let url = new URL(req.url, origin);
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      const faults = { cors: true, delay: 0, broken: false, html: false, status: null };
      for (;;) {
        let m;
        if ((m = /^\/slow\/(\d+)(\/.*)$/.exec(url.pathname)))
          faults.delay = Math.min(MAX_DELAY, Number(m[1]));
        else if ((m = /^\/broken-json(\/.*)$/.exec(url.pathname))) faults.broken = true;
        else if ((m = /^\/error\/(\d{3})(\/.*)$/.exec(url.pathname))) faults.status = Number(m[1]);
        else if ((m = /^\/no-cors(\/.*)$/.exec(url.pathname))) faults.cors = false;
        else if ((m = /^\/html(\/.*)$/.exec(url.pathname))) faults.html = true;
        else break;
        url = new URL(m[m.length - 1] + url.search, origin);
      }
      const cors = faults.cors
        ? {
            'Access-Control-Allow-Origin': '*',
            'Access-Control-Allow-Headers': 'Content-Type, Range',
            'Access-Control-Expose-Headers': 'Content-Length, Content-Range'
          }
        : {};
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, POST' }).end();
        return;
      }
      if (faults.delay) {
        // A client that gives up ends the wait: nothing outlives its request.
        await new Promise(r => {
          const timer = setTimeout(r, faults.delay);
          res.once('close', () => {
            clearTimeout(timer);
            r();
          });
        });
      }
      if (res.destroyed) return;
      let answer;
      try {
        answer = faults.status
          ? injectedError(url.pathname, faults.status)
          : faults.html
            ? {
                status: 200,
                type: 'text/html; charset=utf-8',
                body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Please sign in</form></body></html>'
              }
            : route(req, url, Buffer.concat(chunks).toString('utf8'), origin);
      } catch (e) {
        answer = { status: 500, type: 'text/plain', body: `Test server error: ${e.message}\n` };
      }
      let body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
      if (faults.broken) body = body.subarray(0, Math.floor(body.length / 2));
      const headers = {
        ...cors,
        'Content-Type': answer.type,
        'Accept-Ranges': 'bytes',
        ...answer.headers
      };
      const range = req.headers.range && /^bytes=(\d+)-(\d*)$/.exec(req.headers.range);
      if (range && answer.status === 200) {
        const start = Number(range[1]);
        const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
        if (start > end) {
          res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, {
          ...headers,
          'Content-Range': `bytes ${start}-${end}/${body.length}`,
          'Content-Length': end - start + 1
        });
        res.end(body.subarray(start, end + 1));
        return;
      }
      res.writeHead(answer.status, { ...headers, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  // Longer than any client's idle keep-alive: a client never reuses a socket the server just closed.
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const timer = setTimeout(() => server.close(), lifetimeMs);
      timer.unref();
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        requests,
        close: () =>
          new Promise(done => {
            clearTimeout(timer);
            server.closeAllConnections?.();
            server.close(() => done());
          })
      });
    });
  });
}

module.exports = { startTestServer, esSearch, DATASETS };

if (require.main === module) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  startTestServer({ port }).then(({ url }) =>
    console.log(`ODATIS catalogue test server at ${url}`)
  );
}
