// Webpack configuration of the embedded VRE host: a JupyterLab 4 application whose
// services run in the browser (JupyterLite's service plugins), able to load prebuilt
// (federated) extensions exactly as a stock JupyterLab does.
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');
const { merge } = require('webpack-merge');
const { Build } = require('@jupyterlab/builder');
const baseConfig = require('@jupyterlab/builder/lib/webpack.config.base');
const { createShared, writeIndexModule, writeSettingsIndex } = require('./scripts/host');

const pkg = require('./package.json');
const buildDir = path.resolve(__dirname, 'build');
const production = process.env.NODE_ENV !== 'development';

fs.mkdirSync(buildDir, { recursive: true });

// Schemas and themes of the bundled extensions go to build/, with a style.js importing their CSS.
const assetConfig = Build.ensureAssets({
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

module.exports = [
  merge(baseConfig, {
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
      new webpack.container.ModuleFederationPlugin({
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        name: 'CORE_FEDERATION',
        shared: createShared(pkg)
      }),
      new SettingsIndexPlugin()
    ]
  })
].concat(assetConfig);
