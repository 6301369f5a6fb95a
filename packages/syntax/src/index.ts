export * from './positions.js';
export { tokenize, scan, materialize, tokenAt, allTokens, KINDS, K_WS, K_COMMENT, K_SEMI, K_OPEN, K_CLOSE, K_DQUOTE, K_SQUOTE, K_WORD, type Token, type TokenKind, type TokenStore } from './lexer.js';
export * from './tree.js';
export * from './words.js';
export { parse, type ParseOptions } from './parser.js';
export { print } from './print.js';
export * from './source.js';
export * from './include.js';
export * from './crossplane.js';
