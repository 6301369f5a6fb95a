/**
 * What nginx could look up as a host name. A checker without DNS assumes such names
 * resolve (nginx resolves them when it starts; the oracle maps each one to an address);
 * anything else — `-1`, `256.1.1.1`, words with `=` or `/` — is "host not found".
 */
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.?$/;

export function isHostName(text: string): boolean {
  return !/^[0-9.]+$/.test(text) && HOST_NAME.test(text);
}
