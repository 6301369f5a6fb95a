/**
 * @mailconf/runtime: a reference nginx mail proxy (IMAP, POP3, SMTP with auth_http) that
 * runs a checked `MailModel` and behaves on the wire as nginx does (docs/runtime.md).
 */
export { startProxy, MailProxy, type ProxyHandle, type ProxyOptions } from './server.js';
export { behaviourFor, type Behaviour } from './compat.js';
export { buildAuthRequest, AuthResponseParser, escapeAuthValue, xtext, type AuthRequest } from './auth-http.js';
export { decodeBase64 } from './sasl.js';
export { ErrorLog, openTargets, levelNumber, type LogSpec } from './error-log.js';
export { runMaster, type RunOptions, type LoadResult } from './workers.js';
