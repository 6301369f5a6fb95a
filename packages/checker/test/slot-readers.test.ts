/**
 * The shared readers of slot-readers.ts on the edges nginx's C code has (the fixtures and the
 * generated-config suite compare the common cases with real nginx): ngx_inet_addr's "none"
 * value, the bracketed IPv6 address without a port that 1.27.3 began to accept, the sum of a
 * temporary directory's levels, the MIME type list that stops at `*`.
 */
import { describe, expect, it } from 'vitest';
import { accessProblem, bindProblem, cacheValidProblem, mimeTypeRepeats, pathProblem } from '../src/slot-readers.js';

describe('shared value readers', () => {
  it('bind: an address, with a port from 1 to 65535; [IPv6] alone only from 1.27.3', () => {
    expect(bindProblem(['10.0.0.1'], '1.22.1')).toBeNull();
    expect(bindProblem(['[::1]:80'], '1.22.1')).toBeNull();
    expect(bindProblem(['::1'], '1.22.1')).toBeNull();
    expect(bindProblem(['[::1]'], '1.22.1')).toEqual({ message: 'invalid address "[::1]"', arg: 0 });
    expect(bindProblem(['[::1]'], '1.27.3')).toBeNull();
    expect(bindProblem(['1.2.3.4:65536'], '1.22.1')?.message).toBe('invalid address "1.2.3.4:65536"');
    // ngx_inet_addr returns INADDR_NONE for it, which nginx reads as "not an address".
    expect(bindProblem(['255.255.255.255'], '1.22.1')?.message).toBe('invalid address "255.255.255.255"');
    expect(bindProblem(['off'], '1.22.1')).toBeNull();
    expect(bindProblem(['off', 'transparent'], '1.22.1')?.message).toBe('invalid address "off"');
    expect(bindProblem(['$remote_addr', 'transparent'], '1.22.1')).toBeNull();
    expect(bindProblem(['10.0.0.1', 'Transparent'], '1.22.1')).toEqual({ message: 'invalid parameter "Transparent"', arg: 1 });
  });

  it('path: levels above 0 adding up to 10 at most', () => {
    expect(pathProblem('proxy_temp_path', ['/t', '5', '5'])).toBeNull();
    expect(pathProblem('proxy_temp_path', ['/t', '5', '5', '1'])).toEqual({ message: '"proxy_temp_path" directive invalid value' });
    expect(pathProblem('proxy_temp_path', ['/t', '1', '0'])).toEqual({ message: '"proxy_temp_path" directive invalid value', arg: 2 });
  });

  it('access and cache validity: the words as written, the time first', () => {
    expect(accessProblem(['all:rw', 'user:r'])).toBeNull();
    expect(accessProblem(['user:rw', 'Group:r'])).toEqual({ message: 'invalid value "Group:r"', arg: 1 });
    expect(cacheValidProblem(['2xx', '1min'])).toEqual({ message: 'invalid time value "1min"', arg: 1 });
    expect(cacheValidProblem(['any', '599', '100', '0'])).toBeNull();
    expect(cacheValidProblem(['ANY', '1m'])).toEqual({ message: 'invalid status "ANY"', arg: 0 });
  });

  it('MIME types: repeats warn, in lower case; nothing after "*"', () => {
    const types = { any: false, seen: new Set(['text/html']) };
    expect(mimeTypeRepeats(['TEXT/HTML', 'text/css', 'Text/CSS'], types).map((p) => p.message)).toEqual(['duplicate MIME type "text/html"', 'duplicate MIME type "text/css"']);
    expect(mimeTypeRepeats(['*', 'text/css'], types)).toEqual([]);
    expect(mimeTypeRepeats(['text/css'], types)).toEqual([]);
  });
});
