export * from './positions.js';
export { tokenize, allTokens, type Token, type TokenKind } from './lexer.js';
export * from './tree.js';
export * from './words.js';
export { parse, type ParseOptions } from './parser.js';
export { print } from './print.js';
export * from './source.js';
export * from './include.js';
export * from './crossplane.js';
