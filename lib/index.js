'use strict';
// mlxjs: MLX for Node.js. `const mx = require('mlxjs').core`.
const core = require('./core');
const utils = require('./utils');

module.exports = { core, utils };
