/**
 * Links and go-to-definition: an `include` leads to the files it brings in (resolved as
 * nginx resolves them: against the conf prefix, globs expanded), and the path of a
 * certificate, key or other file an ssl directive reads leads to that file when it exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { directives, endOffset, startOffset, type Directive, type ParsedFile } from '@mailconf/syntax';
import type { DocumentLink, Location } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { locate } from '../locate.js';
import { toRange } from '../positions.js';
import { pathToUri } from '../uri.js';

const START: Location['range'] = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Files a path-valued ssl directive names, resolved against the conf prefix as nginx does; null when not a plain existing file. */
function pathTarget(a: Analysis, d: Directive): string | null {
  if (!d.name.startsWith('ssl_') || d.args.length !== 1) return null;
  const spec = a.profile.lookup(d.name).find((s) => s.value?.type === 'path');
  if (!spec) return null;
  const value = d.args[0]!.value;
  if (!value || value.includes('$') || value.startsWith('data:') || value.startsWith('engine:')) return null;
  const target = path.resolve(a.set.configDir, value);
  try {
    return fs.statSync(target).isFile() ? target : null;
  } catch {
    return null;
  }
}

export function documentLinks(a: Analysis, file: ParsedFile): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const { directive: d } of directives(file.children)) {
    const w = d.args[0];
    if (!w) continue;
    let target: string | null = null;
    if (d.name === 'include') {
      const targets = a.set.includes.get(d) ?? [];
      if (targets.length === 1) target = targets[0]!;
    } else target = pathTarget(a, d);
    if (!target) continue;
    out.push({ range: toRange(file.lines, startOffset(w.range), endOffset(w.range)), target: pathToUri(target), tooltip: target });
  }
  return out;
}

export function definition(a: Analysis, file: ParsedFile, offset: number): Location[] {
  const loc = locate(file, offset);
  const d = loc.directive;
  if (!d || loc.wordIndex < 1 || !loc.word) return [];
  if (d.name === 'include') return (a.set.includes.get(d) ?? []).map((t) => ({ uri: pathToUri(t), range: START }));
  const t = pathTarget(a, d);
  return t ? [{ uri: pathToUri(t), range: START }] : [];
}
