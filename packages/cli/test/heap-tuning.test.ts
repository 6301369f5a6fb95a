/**
 * The one-shot commands choose V8's compilers by input size (heap-tuning.ts): under
 * TURBOFAN_FROM bytes `parse` and `lint` run without TurboFan, above it they use it. Checked on
 * the real command in its own process, with V8's --trace-opt telling which compiler ran.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBundle } from '../../lsp/test/support/server-bundle.js';
import { TURBOFAN_FROM } from '../src/heap-tuning.js';

let dir: string;
let bundle: string;

function config(bytes: number): string {
  const servers: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `    server {\n        listen ${10000 + (i % 50000)};\n        protocol imap;\n        timeout 30s;\n    }\n`;
    servers.push(s);
    size += s.length;
  }
  return `events {}\nmail {\n    auth_http 127.0.0.1:9000/auth;\n${servers.join('')}}\n`;
}

/**
 * Functions that run only once the input has been read: chevrotain's table set-up (made when
 * the first text is lexed), the lexer and the statement reader. Node's own module loading may
 * be compiled by TurboFan before any input is read, whatever the command decides.
 */
const AFTER_READING = new Set(['initCharCodeToOptimizedIndexMap', 'tokenizeInternal', 'scan', 'read', 'gapKind']);

/** How many functions of the parse path V8 compiled with TurboFan while `mailconf <args>` ran. */
function turbofanCompiles(args: string[]): number {
  const r = spawnSync(process.execPath, ['--trace-opt', bundle, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr).not.toBe(2);
  const compiled = [...r.stdout.matchAll(/^\[compiling method \S+ <JSFunction (\S+) .*\(target TURBOFAN/gm)].map((m) => m[1]!);
  return compiled.filter((name) => AFTER_READING.has(name)).length;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailconf-tier-'));
  fs.writeFileSync(path.join(dir, 'small.conf'), config(TURBOFAN_FROM / 4));
  fs.writeFileSync(path.join(dir, 'large.conf'), config(TURBOFAN_FROM + 512 * 1024));
  bundle = await serverBundle('cli');
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('compiler choice by input size', () => {
  it('parse and lint run without TurboFan below the threshold', () => {
    expect(turbofanCompiles(['parse', path.join(dir, 'small.conf')])).toBe(0);
    expect(turbofanCompiles(['lint', path.join(dir, 'small.conf')])).toBe(0);
  });
  it('parse uses TurboFan on a larger input, where it pays', () => {
    expect(turbofanCompiles(['parse', path.join(dir, 'large.conf')])).toBeGreaterThan(0);
  });
  it('other commands keep V8 defaults', () => {
    expect(turbofanCompiles(['fmt', path.join(dir, 'small.conf')])).toBeGreaterThan(0);
  });
});
