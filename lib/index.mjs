// ESM entry: import { core as mx } from 'mlxjs'
import cjs from './index.js';

export const core = cjs.core;
export const utils = cjs.utils;
export default cjs;
