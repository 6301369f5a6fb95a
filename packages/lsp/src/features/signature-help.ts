/**
 * Signature help for directives that take several arguments (`listen`, `error_log`,
 * `auth_http_header`, `resolver`, ...): nginx.org's syntax lines as signatures, the
 * parameter being written highlighted. For `listen` and `resolver`, whose parameters come
 * in any order, the active one is found by its name (`backlog=` ...), not its position.
 */
import type { ContextId, Profile } from '@mailconf/schema';
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver';
import { docsFor, plainSyntax, specFor } from '../describe.js';
import { locate, wordAt } from '../locate.js';
import { contextAt, type View } from '../view.js';

interface Param {
  label: [number, number];
  /** The keyword a named parameter starts with (`backlog`, `ssl`), lower case. */
  key: string | null;
  optional: boolean;
  repeats: boolean;
}

/** Splits a plain syntax line (`listen address:port [ssl] [backlog=number] ...;`) into parameters with their offsets. */
export function splitSyntax(line: string): { label: string; params: Param[] } {
  const label = line.replace(/;$/, '');
  const params: Param[] = [];
  // Skip the name.
  let i = label.indexOf(' ');
  if (i < 0) return { label, params };
  while (i < label.length) {
    while (label[i] === ' ') i++;
    if (i >= label.length) break;
    const start = i;
    let depth = 0;
    while (i < label.length && (label[i] !== ' ' || depth > 0)) {
      if (label[i] === '[') depth++;
      else if (label[i] === ']') depth--;
      i++;
    }
    const text = label.slice(start, i);
    if (text === '...' && params.length) {
      params[params.length - 1]!.repeats = true;
      params[params.length - 1]!.label[1] = i;
      continue;
    }
    if (text === '|' || text === '{...}') continue;
    const optional = text.startsWith('[');
    const inner = text.replace(/^\[+|\]+$/g, '');
    const m = /^([a-z_0-9]+)(=|$)/.exec(inner);
    params.push({ label: [start, i], key: m && (m[2] === '=' || optional) ? m[1]!.toLowerCase() : null, optional, repeats: false });
  }
  return { label, params };
}

function activeParameter(params: Param[], argIndex: number, word: string | null): number {
  if (!params.length) return 0;
  if (word) {
    const key = word.split('=')[0]!.toLowerCase();
    const named = params.findIndex((p) => p.key !== null && p.key === key);
    if (named >= 0) return named;
  }
  // Positional: the n-th parameter; a repeating one takes every later argument.
  let idx = 0;
  for (let k = 0; k < argIndex && idx < params.length; k++) {
    if (!params[idx]!.repeats) idx++;
  }
  return Math.min(idx, params.length - 1);
}

/** Whether a directive takes more than one argument here (signature help is offered for those). */
function multiParameter(profile: Profile, name: string, context: ContextId | null, paramCount: number): boolean {
  const spec = specFor(profile, name, context);
  const a = spec?.arity;
  if (a && (a.kind === 'min' || a.kind === 'any' || (a.kind === 'counts' && Math.max(...a.counts) > 1))) return true;
  return paramCount > 1;
}

export function signatureHelp(view: View, offset: number): SignatureHelp | null {
  const loc = locate(view.file, offset);
  const d = loc.directive;
  if (!d || !d.name || loc.wordIndex < 1) return null;
  const context = contextAt(view, loc.ancestors);
  const docs = docsFor(d.name, context);
  if (!docs?.syntax.length) return null;
  const signatures: SignatureInformation[] = [];
  const split = docs.syntax.map((s) => splitSyntax(plainSyntax(s)));
  const maxParams = Math.max(...split.map((s) => s.params.length));
  if (!multiParameter(view.analysis.profile, d.name, context, maxParams)) return null;
  const argIndex = loc.wordIndex - 1;
  const word = loc.word ? loc.word.value : (wordAt(d, loc.wordIndex)?.value ?? null);
  let activeSignature = 0;
  const first = d.args[0]?.value.toLowerCase();
  for (const [i, s] of split.entries()) {
    // `resolver off`: the signature whose only parameter is the word written.
    if (s.params.length === 1 && first && s.label.slice(s.params[0]!.label[0], s.params[0]!.label[1]) === first) activeSignature = i;
  }
  for (const s of split) {
    const parameters: ParameterInformation[] = s.params.map((p) => ({ label: p.label }));
    signatures.push({ label: s.label, parameters, activeParameter: activeParameter(s.params, argIndex, word) });
  }
  return { signatures, activeSignature, activeParameter: signatures[activeSignature]!.activeParameter ?? 0 };
}
