/**
 * A Node built-in module as `require` gives it, loaded when first asked for. An ES import of a
 * built-in is loaded with the command whether it is used or not, and builds the module's ES
 * facade (bundle-cli.mjs says what that costs); modules only some runs need are taken so.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function builtin<T>(id: string): T {
  // process.getBuiltinModule is Node >= 22.3.
  return (process.getBuiltinModule ? process.getBuiltinModule(id) : require(id)) as T;
}
