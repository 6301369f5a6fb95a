/**
 * V8 settings for the one-shot commands (parse, lint, fmt, explain), which read files, report
 * and exit within a few hundred milliseconds. `run` and `lsp` keep V8's defaults.
 *
 * Young generation: V8 grows it whenever a program allocates quickly, which suits a long-lived
 * server; for a run this short the extra space is memory touched and never given back, and no
 * faster (measured on the 54,000-line benchmark: peak memory of `mailconf lint` 178 → 127 MiB,
 * `mailconf parse` 75 → 70 MiB, wall time unchanged). So these commands keep it at its
 * initial size.
 *
 * Optimizing compiler: V8 compiles hot functions twice, first with Maglev, then with TurboFan.
 * TurboFan's working memory is about 10 MiB whatever the input, and for parse and lint it only
 * pays for itself on large inputs (measured, best of 5, on generated configs: 1.2 and 2.5 MB
 * take the same time with and without it; at 5 MB it saves 13%, at 20 MB 26%; peak memory is
 * 9–10 MiB lower without it at every size). So below `TURBOFAN_FROM` bytes of input those two
 * commands leave it off.
 *
 * Both flags are ones V8 reads each time it decides (to grow the space, to tier up a function),
 * so setting them after start-up takes effect (checked by the benchmark's memory figures). They
 * are set once the input is read, and only for an input of `TUNE_FROM` bytes or more: below it
 * neither changes anything measurable (lints of 6 and 15 KB files: the same peak memory and time
 * with and without them; from 31 KB TurboFan compiles, at 7 MiB), and node:v8, which sets them,
 * takes 1.5 ms to load.
 */
import { builtin } from './io/builtin.js';

export const ONE_SHOT = new Set(['parse', 'lint', 'fmt', 'explain']);
/** Commands whose hot code (lexer, reader, checker) runs once over the input. */
const INPUT_SIZED = new Set(['parse', 'lint']);
export const TURBOFAN_FROM = 4 * 1024 * 1024;
/** Inputs smaller than this run with V8's defaults. */
export const TUNE_FROM = 16 * 1024;

/** Set by tuneForCommand, applied by inputRead. */
let keepYoungSize = false;
let sizeDecides = false;

/** What undoes each flag set so far: V8's default of that flag. */
const undo: string[] = [];

const v8 = () => builtin<typeof import('node:v8')>('node:v8');

function setFlag(flag: string, v8Default: string): void {
  v8().setFlagsFromString(flag);
  undo.push(v8Default);
}

export function tuneForCommand(name: string): void {
  keepYoungSize = ONE_SHOT.has(name);
  sizeDecides = INPUT_SIZED.has(name);
}

/** Told the size of the main input once it is read, before any of it is lexed. */
export function inputRead(bytes: number): void {
  if (bytes >= TUNE_FROM) {
    if (keepYoungSize) setFlag('--semi-space-growth-factor=1', '--semi-space-growth-factor=2');
    if (sizeDecides && bytes < TURBOFAN_FROM) setFlag('--no-turbofan', '--turbofan');
  }
  keepYoungSize = false;
  sizeDecides = false;
}

/**
 * Puts back V8's defaults of the flags set above, once the command is done. V8 tags a code
 * cache with the flags that differ from their defaults and refuses it under others: the cache
 * bin/code-cache.js writes after a run must carry the flags the next run starts with (none).
 * A test checks that the next run takes the cache (a change of V8's defaults would show there).
 */
export function restoreV8Defaults(): void {
  while (undo.length) v8().setFlagsFromString(undo.pop()!);
}
