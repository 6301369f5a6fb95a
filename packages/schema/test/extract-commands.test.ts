/**
 * The command-table generator (scripts/schema/extract-commands.mjs) on two small synthetic
 * source trees (test/fixtures/extract/v1, v2): flags → contexts/arity/block, preprocessor
 * conditions, module families, and since/until when versions are merged.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractTree, merge, type ExtractedDirective } from '../../../scripts/schema/extract-commands.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const v1 = path.join(here, 'fixtures/extract/v1');
const v2 = path.join(here, 'fixtures/extract/v2');

type Rec = ExtractedDirective;

describe('extract-commands', () => {
  const tree = extractTree(v1);
  const byName = (name: string) => tree.directives.find((d) => d.name === name);

  it('reads the version and every module, with or without directives', () => {
    expect(tree.version).toBe('1.0.0');
    expect(tree.modules.map((m) => `${m.name}:${m.family}`).sort()).toEqual([
      'demo_http_module:http',
      'demo_quiet_module:core',
      'demo_variables_module:http',
      'ngx_mail_core_module:mail',
    ]);
  });

  it.each([
    ['demo_flag', ['http', 'http:server'], { kind: 'flag' }, false],
    ['demo_split', ['http:location', 'http:if-location'], { kind: 'counts', counts: [1, 2] }, false],
    ['demo_optional', ['http'], { kind: 'min', min: 1 }, false],
    ['demo_fallback', ['http:upstream'], { kind: 'counts', counts: [0] }, false],
    ['demo_block', ['http'], { kind: 'counts', counts: [1] }, true],
    ['demo_gone', ['http:if-server', 'http:limit_except'], { kind: 'any' }, false],
    ['server', ['mail'], { kind: 'counts', counts: [0] }, true],
    ['demo_pair', ['mail', 'mail:server'], { kind: 'counts', counts: [2] }, false],
  ])('%s', (name, contexts, arity, block) => {
    const d = byName(name);
    expect(d).toBeDefined();
    expect(d!.contexts).toEqual(contexts);
    expect(d!.arity).toEqual(arity);
    expect(d!.block).toBe(block);
  });

  it('records preprocessor conditions, including #else', () => {
    expect(byName('demo_optional')!.cond).toBe('(DEMO_FEATURE)');
    expect(byName('demo_fallback')!.cond).toBe('!(DEMO_FEATURE)');
    expect(byName('demo_flag')!.cond).toBeUndefined();
  });

  it("reads what a standard reader's post table adds: enum and bitmask words, number bounds, deprecation", () => {
    expect(byName('demo_mode')).toMatchObject({ slot: 'enum', values: ['off', 'on', 'always'] });
    expect(byName('demo_mask')).toMatchObject({ slot: 'bitmask', values: ['a', 'b=x', 'b=y'], masks: ['DEMO_A', 'DEMO_B|DEMO_BX', 'DEMO_B|DEMO_BY'] });
    expect(byName('demo_level')).toMatchObject({ slot: 'num', bounds: [1, 9] });
    expect(byName('demo_old')).toMatchObject({ slot: 'size', deprecated: { old: 'demo_old', new: 'demo_new' } });
    expect(byName('demo_timeout')!.values).toBeUndefined();
  });

  it('marks handlers of their own that begin by refusing a second use, and only those', () => {
    expect(byName('demo_once')!.once).toBe(true);
    // "== NULL" tests a field a first use may leave unset: not a plain "once per block".
    expect(byName('demo_off_then_once')!.once).toBeUndefined();
    expect(byName('demo_flag')!.once).toBeUndefined();
  });

  it('also shared readers (not static, signature over two lines), and handlers that begin by calling one', () => {
    expect(byName('demo_shared_once')!.once).toBe(true);
    expect(byName('demo_delegating')!.once).toBe(true);
  });

  it('records which standard value reader a directive uses, and only those', () => {
    expect(byName('demo_timeout')!.slot).toBe('msec');
    expect(byName('demo_rate')!.slot).toBe('complex-size');
    expect(byName('demo_flag')!.slot).toBeUndefined();
    expect(byName('demo_split')!.slot).toBeUndefined();
  });

  it('knows which block bodies are directive contexts', () => {
    expect(byName('server')!.body).toBe('mail:server');
    expect(byName('demo_block')!.body).toBe('raw');
  });

  it('merges versions into since/until ranges', () => {
    const merged = merge([extractTree(v1), extractTree(v2)]);
    expect(merged.versions).toEqual(['1.0.0', '1.1.0']);
    const forms = (name: string) =>
      merged.directives.filter((d) => d.name === name).map((d) => ({ arity: d.arity, since: d.since, until: d.until }));
    expect(forms('demo_flag')).toEqual([
      { arity: { kind: 'flag' }, since: undefined, until: '1.1.0' },
      { arity: { kind: 'counts', counts: [1] }, since: '1.1.0', until: undefined },
    ]);
    expect(forms('demo_gone')).toEqual([{ arity: { kind: 'any' }, since: undefined, until: '1.1.0' }]);
    expect(forms('demo_new')).toEqual([{ arity: { kind: 'min', min: 2 }, since: '1.1.0', until: undefined }]);
    expect(forms('demo_pair')).toEqual([{ arity: { kind: 'counts', counts: [2] }, since: undefined, until: undefined }]);
  });

  it("reads the variables of http and stream modules: flags, conditions, single named ones", () => {
    const vars = tree.variables.map((v) => JSON.stringify(v)).sort();
    expect(vars).toEqual(
      [
        { name: 'demo_plain', module: 'demo_variables_module', family: 'http' },
        { name: 'demo_settable', module: 'demo_variables_module', family: 'http', changeable: true },
        { name: 'demo_optional', module: 'demo_variables_module', family: 'http', cond: '(DEMO_FEATURE)' },
        { name: 'demo_prefix_', module: 'demo_variables_module', family: 'http', prefix: true },
        { name: 'demo_single', module: 'demo_variables_module', family: 'http' },
        // A file without a module of its own holds its family's core module's variables.
        { name: 'demo_stream', module: 'ngx_stream_core_module', family: 'stream' },
      ]
        .map((v) => JSON.stringify(v))
        .sort(),
    );
  });

  it('merges variables into since/until ranges', () => {
    const merged = merge([extractTree(v1), extractTree(v2)]);
    const range = (name: string) => merged.variables.filter((v) => v.name === name).map((v) => [v.since, v.until]);
    expect(range('demo_plain')).toEqual([[undefined, undefined]]);
    expect(range('demo_added')).toEqual([['1.1.0', undefined]]);
    expect(range('demo_single')).toEqual([[undefined, '1.1.0']]);
    expect(range('demo_stream')).toEqual([[undefined, '1.1.0']]);
  });

  it('runs as a command and reports bad arguments', () => {
    const script = path.join(repoRoot, 'scripts/schema/extract-commands.mjs');
    const ok = spawnSync(process.execPath, [script, '--src', v1], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const json = JSON.parse(ok.stdout) as { versions: string[]; directives: Rec[] };
    expect(json.versions).toEqual(['1.0.0']);
    expect(json.directives).toHaveLength(tree.directives.length);
    const bad = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage');
  });
});
