export { parseNumber } from './number.js';
export { parseSize } from './size.js';
export { parseOffset } from './offset.js';
export { parseTime, type TimeFlavour } from './time.js';
export { parseFlag } from './flag.js';
export { matchKeyword } from './keyword.js';
export { MAX_INT64 } from './limits.js';
