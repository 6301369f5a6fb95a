export { format, formatText, formatEdits, formatRange, applyEdits, type TextEdit, type OffsetRange, type FormatTextResult } from './format.js';
export { resolveOptions, detectLineEnding, DEFAULT_INDENT_SIZE, type FormatOptions, type EndOfLine, type ResolvedOptions } from './options.js';
export { meaningTokens, meaningDiffers, firstDifference, verifyFormatted, type MeaningToken } from './meaning.js';
export { editorconfigOptions } from './editorconfig.js';
export { unifiedDiff } from './diff.js';
export { newSyntaxError, withinBufferLimit } from './buffer-limit.js';
