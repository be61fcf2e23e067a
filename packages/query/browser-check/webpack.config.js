// Plain webpack 5, as @jupyterlab/builder uses: new Worker(new URL(...)) and new URL(...wasm...) become assets.
const path = require('node:path');
const { queryWebpackConfig } = require('../lib/webpack');

module.exports = {
  mode: 'production',
  target: 'web',
  entry: path.join(__dirname, 'entry.js'),
  output: {
    path: path.join(__dirname, 'dist'),
    filename: 'main.js',
    publicPath: 'auto',
    clean: true
  },
  ...queryWebpackConfig(),
  devtool: false,
  performance: { hints: false }
};
