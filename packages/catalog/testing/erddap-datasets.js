// Two tabledap datasets for the test server, with data generated deterministically (a seasonal
// cycle plus a fixed pseudo-random wobble): synthetic values in ERDDAP's real formats, not real
// measurements. Attributes follow the CF and ACDD conventions ERDDAP publishes.
const { mulberry32: random } = require('@odatis-vre/sno');

const DAY = 86400;

function seasonal(t, mean, amplitude, peakDay) {
  const doy = (t / DAY) % 365.25;
  return mean + amplitude * Math.cos((2 * Math.PI * (doy - peakDay)) / 365.25);
}

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

const MAREL = { station: 'MAREL-Carnot', latitude: 50.7347, longitude: 1.5675 };
const SOMLIT_STATIONS = [
  { station: 'Point C', latitude: 50.6783, longitude: 1.5167 },
  { station: 'Point L', latitude: 50.7, longitude: 1.55 }
];

function marelRows() {
  const next = random(42);
  const rows = [];
  const start = Date.UTC(2015, 0, 1) / 1000;
  const end = Date.UTC(2020, 11, 31) / 1000;
  for (let t = start; t <= end; t += DAY) {
    const temp = round(seasonal(t, 12.6, 4.8, 230) + (next() - 0.5) * 0.6, 2);
    const psal = round(
      34.4 + (next() - 0.5) * 0.5 - 0.3 * Math.cos((2 * Math.PI * (t / DAY)) / 365.25),
      3
    );
    // One day in fifty the sensor gave nothing: ERDDAP writes NaN.
    const gap = next() < 0.02;
    rows.push({
      time: t,
      latitude: MAREL.latitude,
      longitude: MAREL.longitude,
      station: MAREL.station,
      TEMP: gap ? NaN : temp,
      TEMP_QC: gap ? 9 : 1,
      PSAL: gap ? NaN : psal
    });
  }
  return rows;
}

function somlitRows() {
  const next = random(7);
  const rows = [];
  const start = Date.UTC(2010, 0, 5) / 1000;
  const end = Date.UTC(2020, 11, 31) / 1000;
  for (let t = start; t <= end; t += 14 * DAY) {
    for (const s of SOMLIT_STATIONS) {
      rows.push({
        time: t + 10 * 3600,
        ...s,
        TEMP: round(seasonal(t, 12.2, 5.1, 235) + (next() - 0.5) * 0.8, 2),
        PSAL: round(34.2 + (next() - 0.5) * 0.8, 3),
        CHLA: round(
          Math.max(
            0.1,
            2 + 6 * Math.exp(-((((t / DAY) % 365.25) - 120) ** 2) / 800) + (next() - 0.5)
          ),
          2
        )
      });
    }
  }
  return rows;
}

const TIME = {
  name: 'time',
  type: 'double',
  attributes: {
    _CoordinateAxisType: ['String', 'Time'],
    axis: ['String', 'T'],
    ioos_category: ['String', 'Time'],
    long_name: ['String', 'Time'],
    standard_name: ['String', 'time'],
    time_origin: ['String', '01-JAN-1970 00:00:00'],
    units: ['String', 'seconds since 1970-01-01T00:00:00Z']
  }
};
const LAT = {
  name: 'latitude',
  type: 'double',
  attributes: {
    _CoordinateAxisType: ['String', 'Lat'],
    axis: ['String', 'Y'],
    long_name: ['String', 'Latitude'],
    standard_name: ['String', 'latitude'],
    units: ['String', 'degrees_north']
  }
};
const LON = {
  name: 'longitude',
  type: 'double',
  attributes: {
    _CoordinateAxisType: ['String', 'Lon'],
    axis: ['String', 'X'],
    long_name: ['String', 'Longitude'],
    standard_name: ['String', 'longitude'],
    units: ['String', 'degrees_east']
  }
};
const STATION = {
  name: 'station',
  type: 'String',
  attributes: { cf_role: ['String', 'timeseries_id'], long_name: ['String', 'Station name'] }
};
const TEMP = {
  name: 'TEMP',
  type: 'float',
  attributes: {
    _FillValue: ['float', 'NaN'],
    long_name: ['String', 'Sea temperature'],
    standard_name: ['String', 'sea_water_temperature'],
    units: ['String', 'degree_C']
  }
};
const PSAL = {
  name: 'PSAL',
  type: 'float',
  attributes: {
    _FillValue: ['float', 'NaN'],
    long_name: ['String', 'Practical salinity'],
    standard_name: ['String', 'sea_water_practical_salinity'],
    units: ['String', '1e-3']
  }
};

/** Attributes in ERDDAP's order of the info table (alphabetical, case aside). */
function sorted(attributes) {
  return Object.fromEntries(
    Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
  );
}

/**
 * One CF/ACDD time series dataset (`cdm_data_type` TimeSeries) at fixed stations: the attributes
 * every dataset here shares, its extent from its stations, its own attributes, and its variables
 * after time, latitude, longitude and station.
 */
function timeSeries({ id, rows, stations, attributes, variables }) {
  const lats = stations.map(s => s.latitude);
  const lons = stations.map(s => s.longitude);
  return {
    id,
    rows,
    global: sorted({
      cdm_data_type: 'TimeSeries',
      cdm_timeseries_variables: 'station, latitude, longitude',
      Conventions: 'COARDS, CF-1.6, ACDD-1.3',
      geospatial_lat_max: String(Math.max(...lats)),
      geospatial_lat_min: String(Math.min(...lats)),
      geospatial_lon_max: String(Math.max(...lons)),
      geospatial_lon_min: String(Math.min(...lons)),
      ...attributes
    }),
    variables: [TIME, LAT, LON, STATION, ...variables]
  };
}

const DATASETS = [
  timeSeries({
    id: 'coast_hf_marel_carnot',
    rows: marelRows,
    stations: [MAREL],
    attributes: {
      creator_email: 'coasthf@ifremer.example',
      creator_name: 'Lefebvre, Alain',
      doi: '10.17882/99999',
      history:
        'Hourly means of 20-minute records; despiked; QC flags of the OceanSITES scheme. Daily values for this test server.',
      infoUrl: 'https://www.coast-hf.fr',
      institution: 'Ifremer',
      keywords:
        'Earth Science > Oceans > Ocean Temperature > Water Temperature, Earth Science > Oceans > Salinity/Density > Salinity, buoy, COAST-HF',
      license: 'CC-BY 4.0',
      publisher_name: 'Ifremer',
      subsetVariables: 'station, latitude, longitude',
      summary:
        'Sea temperature and practical salinity at the MAREL Carnot buoy (Boulogne-sur-Mer, eastern English Channel), COAST-HF network. Synthetic values for the test server.',
      time_coverage_end: '2020-12-31T00:00:00Z',
      time_coverage_start: '2015-01-01T00:00:00Z',
      title: 'COAST-HF MAREL Carnot buoy: temperature and salinity (test data)'
    },
    variables: [
      TEMP,
      {
        name: 'TEMP_QC',
        type: 'byte',
        attributes: {
          flag_meanings: [
            'String',
            'no_qc good probably_good probably_bad bad changed not_used nominal interpolated missing'
          ],
          flag_values: ['byte', '0, 1, 2, 3, 4, 5, 6, 7, 8, 9'],
          long_name: ['String', 'Quality flag of TEMP']
        }
      },
      PSAL
    ]
  }),
  timeSeries({
    id: 'somlit_hydro_wimereux',
    rows: somlitRows,
    stations: SOMLIT_STATIONS,
    attributes: {
      creator_name: 'SOMLIT',
      history: 'Fortnightly sampling at high tide; values of quality 2, 6 or 7 only.',
      institution: 'CNRS',
      keywords: 'temperature, salinity, chlorophyll, SOMLIT',
      license:
        'Creative Commons Attribution-ShareAlike 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)',
      summary:
        'Sub-surface temperature, salinity and chlorophyll a at Wimereux Point C and Point L (SOMLIT). Synthetic values for the test server.',
      time_coverage_end: '2020-12-29T10:00:00Z',
      time_coverage_start: '2010-01-05T10:00:00Z',
      title: 'SOMLIT Wimereux: hydrology at Point C and Point L (test data)'
    },
    variables: [
      TEMP,
      PSAL,
      {
        name: 'CHLA',
        type: 'float',
        attributes: {
          long_name: ['String', 'Chlorophyll a'],
          standard_name: ['String', 'mass_concentration_of_chlorophyll_a_in_sea_water'],
          units: ['String', 'ug/L']
        }
      }
    ]
  })
];

const cache = new Map();

/** The rows of a dataset, generated once. */
function rowsOf(dataset) {
  if (!cache.has(dataset.id)) cache.set(dataset.id, dataset.rows());
  return cache.get(dataset.id);
}

module.exports = { DATASETS, rowsOf };
