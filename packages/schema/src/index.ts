/**
 * @mailconf/schema: what each nginx directive is (contexts, arguments, values, defaults,
 * versions, docs), for the checker, formatter, language server and runtime.
 */
export * from './types.js';
export { fitsArity } from './arity.js';
export { NEWEST_VERSION, ORACLE_VERSION, OLDEST_VERSION, compareVersions, parseVersion, inRange } from './versions.js';
export {
  getProfile,
  effectiveVersion,
  buildModules,
  curatedSpec,
  evaluateCondition,
  COMMAND_TABLE,
  variableRecords,
  type ProfileOptions,
  type VariableRecord,
  type ModuleVariables,
  type CommandRecord,
  type CommandTable,
  type ModuleRecord,
} from './profile.js';
export { MAIL_DIRECTIVES, MAIL_MODULES } from './data/mail.js';
export { CORE_DIRECTIVES } from './data/core.js';
export { DEBIAN_BOOKWORM_MODULES } from './data/builds.js';
export * from './values/index.js';
export { getDocs } from './docs.js';
