/**
 * Every request handler runs through `guard`: an exception in one feature is logged and
 * answered with an empty result, so a bug or an unexpected input never takes the server
 * (and with it every other feature) down.
 */
import { ResponseError } from 'vscode-languageserver';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

export function guard<A extends unknown[], R>(log: Logger, name: string, fallback: R, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      // An answer the protocol has (ContentModified): the client's to handle, not a failure.
      if (err instanceof ResponseError) throw err;
      log.error(`mailconf: ${name} failed: ${describeError(err)}`);
      return fallback;
    }
  };
}

/** The same for notifications: nothing to answer, only the log. */
export function guardVoid<A extends unknown[]>(log: Logger, name: string, fn: (...args: A) => void | Promise<void>): (...args: A) => void {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch((err: unknown) => log.error(`mailconf: ${name} failed: ${describeError(err)}`));
    } catch (err) {
      log.error(`mailconf: ${name} failed: ${describeError(err)}`);
    }
  };
}
