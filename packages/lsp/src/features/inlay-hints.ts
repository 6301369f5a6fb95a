/**
 * Inlay hints from the resolved model: the protocol nginx infers from a well-known port
 * when a server has no `protocol` (after the `listen` that decided it), and, after a mail
 * `server {`, the values it inherits from `mail {}` (each a link to where it is set).
 */
import { SETTING_NAMES, type Entry, type ServerSettings, type Setting } from '@mailconf/checker';
import { endOffset, startOffset, type Directive } from '@mailconf/syntax';
import type { InlayHint, InlayHintLabelPart } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { toPosition, toRange } from '../positions.js';

const SETTINGS = new Set<string>(SETTING_NAMES);
/** Inherited values shown per server before "and N more". */
const SHOWN = 4;

function mailLevelNames(a: Analysis): string[] {
  let entries: Entry[] = [];
  if (a.model.mail) entries = a.entryOf(a.model.mail)?.children ?? [];
  else if (a.context === 'mail') entries = a.walk().roots;
  const names: string[] = [];
  for (const e of entries) if (SETTINGS.has(e.directive.name) && !names.includes(e.directive.name)) names.push(e.directive.name);
  return names;
}

function text(d: Directive): string {
  const args = d.args.map((w) => w.raw).join(' ');
  return args.length > 40 ? `${d.name} ${args.slice(0, 39)}…` : `${d.name} ${args}`;
}

export function inlayHints(a: Analysis, docPath: string, start: number, end: number, uriOf: (p: string) => string): InlayHint[] {
  const file = a.file(docPath);
  if (!file) return [];
  const hints: InlayHint[] = [];
  const inherited = mailLevelNames(a);
  for (const s of a.model.servers) {
    if (s.file !== docPath) continue;
    const d = s.directive;
    if (endOffset(d.range) < start || startOffset(d.range) > end) continue;

    if (s.protocolOrigin === 'inferred' && s.protocolListen && s.protocolListen.file === docPath) {
      const l = s.protocolListen.directive;
      const at = l.terminatorRange ? endOffset(l.terminatorRange) : endOffset(l.range);
      hints.push({
        position: toPosition(file.lines, at),
        label: `protocol ${s.protocol}`,
        paddingLeft: true,
        tooltip: `No \`protocol\` directive: nginx takes ${s.protocol} from port ${s.protocolListen.address.port}.`,
      });
    }

    if (!d.block || !inherited.length) continue;
    const parts: InlayHintLabelPart[] = [];
    let count = 0;
    for (const name of inherited) {
      const setting = s.settings[name as keyof ServerSettings] as Setting<unknown>;
      if (setting.origin !== 'mail' || !setting.directive) continue;
      count++;
      if (count > SHOWN) continue;
      const src = setting.file ? a.file(setting.file) : undefined;
      const part: InlayHintLabelPart = { value: (parts.length ? ', ' : '') + text(setting.directive), tooltip: `inherited from mail {}` };
      if (src && setting.file) {
        part.location = { uri: uriOf(setting.file), range: toRange(src.lines, startOffset(setting.directive.range), endOffset(setting.directive.range)) };
      }
      parts.push(part);
    }
    if (!parts.length) continue;
    if (count > SHOWN) parts.push({ value: `, and ${count - SHOWN} more` });
    parts.unshift({ value: 'inherits: ' });
    hints.push({ position: toPosition(file.lines, endOffset(d.block.open)), label: parts, paddingLeft: true });
  }
  return hints;
}
