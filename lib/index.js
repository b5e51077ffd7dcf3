'use strict';
// mlxjs: MLX for Node.js. `const mx = require('mlxjs').core`.
const core = require('./core');

module.exports = { core };
