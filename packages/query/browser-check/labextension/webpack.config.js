// What an extension that uses @odatis-vre/query puts in its webpack config ("jupyterlab.webpackConfig").
const config = require('@odatis-vre/query/lib/webpack').queryWebpackConfig();
// Only for this check: @odatis-vre/query is installed as a file: symlink pointing outside this folder.
config.resolve.symlinks = false;
module.exports = config;
