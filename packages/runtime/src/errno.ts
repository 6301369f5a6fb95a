/**
 * nginx appends ` (errno: strerror)` to socket errors, with Linux numbers and glibc texts
 * (`recv() failed (111: Connection refused)`). Node reports the symbolic code; the checker's
 * table (strerror) maps it back so log lines read as nginx's do.
 */
import { strerror } from '@mailconf/checker';

/** ` (111: Connection refused)` for an error code; unknown codes keep their name. */
export function errnoText(code: string | undefined): string {
  return code ? ` (${strerror(code)})` : '';
}

/** The text nginx logs for a timer expiry: `(110: Connection timed out)`. */
export const TIMED_OUT = errnoText('ETIMEDOUT');

export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Errors nginx logs at the connection's own level (info for clients, error for peers); others are alerts. */
export function isCommonSocketError(code: string | undefined): boolean {
  return (
    code === undefined ||
    ['ECONNRESET', 'EPIPE', 'ENOTCONN', 'ETIMEDOUT', 'ECONNREFUSED', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH'].includes(code)
  );
}
