// Rspack configuration of the embedded VRE host: a JupyterLab 4 application whose services run in
// the browser (JupyterLite's service plugins), able to load prebuilt (federated) extensions exactly as
// a stock JupyterLab does. Rspack (JupyterLab 4.6's own bundler, through @jupyter/builder) builds it in
// seconds where webpack took minutes on 2 cores; its persistent cache makes later builds incremental.
const fs = require('fs');
const path = require('path');
const { rspack } = require('@rspack/core');
const { merge } = require('webpack-merge');
const { Build, WPPlugin } = require('@jupyter/builder');
const baseConfig = require('@jupyter/builder/lib/webpack.config.base');
const { createShared, writeIndexModule, writeSettingsIndex } = require('./scripts/host');

const pkg = require('./package.json');
const buildDir = path.resolve(__dirname, 'build');
const cacheDir = path.resolve(
  __dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'odatis-vre',
  'rspack'
);
const production = process.env.NODE_ENV !== 'development';

fs.mkdirSync(buildDir, { recursive: true });

// Schemas and themes of the bundled extensions go to build/, with a style.js importing their CSS.
const themeConfigs = Build.ensureAssets({
  packageNames: pkg.jupyterlab.extensions,
  output: buildDir
});
writeIndexModule(pkg, path.join(buildDir, 'index.js'));
fs.copyFileSync(
  path.join(__dirname, 'templates', 'bootstrap.js'),
  path.join(buildDir, 'bootstrap.js')
);

class SettingsIndexPlugin {
  apply(compiler) {
    compiler.hooks.done.tap('SettingsIndexPlugin', () =>
      writeSettingsIndex(path.join(buildDir, 'schemas'))
    );
  }
}

/** Rspack's persistent cache, kept between runs under node_modules/.cache (never in the output). */
const persistentCache = name => ({
  name,
  cache: {
    type: 'persistent',
    storage: { type: 'filesystem', directory: cacheDir },
    buildDependencies: [__filename, path.join(__dirname, 'scripts', 'host.js')]
  }
});

// No persistent cache for the host: a host rebuilt from rspack's cache registers none of its shared
// modules ("Shared module @jupyterlab/apputils doesn't exist in shared scope default"), and every
// prebuilt extension then fails to load. Seen with @rspack/core's ModuleFederationPluginV1.
const host = merge(baseConfig, {
  mode: production ? 'production' : 'development',
  devtool: production ? false : 'source-map',
  entry: { bundle: path.join(buildDir, 'bootstrap.js') },
  output: {
    path: buildDir,
    publicPath: 'auto',
    library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_OUTPUT'] },
    filename: '[name].js?_=[contenthash:8]',
    chunkFilename: '[name].[contenthash:8].js',
    assetModuleFilename: '[name].[contenthash:8][ext]'
  },
  resolve: { fallback: { util: false } },
  module: {
    rules: [
      // JupyterLite imports its service worker as `./service-worker?text` to learn its file name.
      { resourceQuery: /text/, type: 'asset/resource', generator: { filename: '[name][ext]' } }
    ]
  },
  performance: { hints: false },
  ignoreWarnings: [{ module: /mathjax/, message: /__dirname/ }],
  plugins: [
    // The host provides its packages to the prebuilt extensions' share scope and uses them itself as plain
    // modules. Consuming its own shared packages (ModuleFederationPlugin's `shared`) made each of them a
    // chunk of its own, loaded at start: 147 requests before the first plugin could run. JupyterLab's
    // singletons (its core packages, nearly all needed at start) are provided eagerly, i.e. in bundle.js;
    // the other packages stay in chunks loaded when something asks for them. 75 requests in all at start.
    new rspack.sharing.ProvideSharedPlugin({
      shareScope: 'default',
      provides: Object.fromEntries(
        Object.entries(createShared(pkg)).map(([name, { version, singleton }]) => [
          name,
          { shareKey: name, version, eager: singleton }
        ])
      )
    }),
    new SettingsIndexPlugin(),
    // build/third-party-licenses.json, as JupyterLab's own application build writes it; scripts/build.js then
    // completes the packages that ship no licence file (most @jupyterlab/* ones: a warning each otherwise) and
    // writes THIRD-PARTY-NOTICES.txt.
    new WPPlugin.JSONLicenseWebpackPlugin({
      excludedPackageTest: name => name === pkg.name,
      stats: { warnings: false }
    })
  ]
});

module.exports = [
  host,
  ...themeConfigs.map((config, i) => merge(config, persistentCache(`theme-${i}`)))
];
