/**
 * Hover: a directive's documentation with what the resolved model says about this very
 * place: the value in effect (set here, inherited from `mail {}`, or nginx's default), what
 * a mail `server {}` ends up as (protocol, listens, TLS), where an include leads.
 */
import * as path from 'node:path';
import { SETTING_NAMES, type Entry, type MainSettings, type ServerModel, type ServerSettings, type Setting } from '@mailconf/checker';
import { endOffset, startOffset, type Directive } from '@mailconf/syntax';
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { contextLabel } from '../contexts.js';
import { defaultText, describeDirective, docsFor, specFor } from '../describe.js';
import { headerEnd, locate } from '../locate.js';
import { toRange } from '../positions.js';
import { listenParameters } from '../values.js';
import { contextAt, type View } from '../view.js';

const SERVER_SETTINGS = new Set<string>(SETTING_NAMES);
const MAIN_SETTINGS = new Set(['worker_processes', 'error_log', 'daemon', 'master_process', 'pid', 'worker_shutdown_timeout']);

export function hover(view: View, offset: number): Hover | null {
  const loc = locate(view.file, offset);
  const d = loc.directive;
  if (!d || !loc.word || !d.name) return null;
  const a = view.analysis;
  const entry = a.entryOf(d);
  const context = entry ? entry.context : contextAt(view, loc.ancestors);
  const range = toRange(view.file.lines, startOffset(loc.word.range), endOffset(loc.word.range));
  const sections: string[] = [];

  if (loc.wordIndex > 0 && d.name === 'listen') {
    const p = listenParameterDoc(loc.word.value, a.profile.version);
    if (p) sections.push(p);
  }
  if (loc.wordIndex > 0 && d.name === 'include') {
    const targets = a.set.includes.get(d) ?? [];
    sections.push(targets.length ? `Includes ${targets.map((t) => `\`${t}\``).join(', ')}` : 'Includes no file (nothing matches).');
  }

  const notes = [problems(view, d), entry ? inEffect(a, entry, view.path) : null].filter((x): x is string => !!x);
  const desc = describeDirective(a.profile, d.name, context, notes.length ? notes.join('  \n') : undefined);
  if (!desc) {
    if (!a.profile.isKnown(d.name)) sections.push(`\`${d.name}\`: not a directive nginx ${a.profile.version} knows${context ? ` (in \`${contextLabel(context)}\`)` : ''}.`);
  } else sections.push(desc.text);
  if (!sections.length) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range };
}

/** The errors of this statement, as nginx words them: what `nginx -t` will say about it. */
function problems(view: View, d: Directive): string | null {
  const start = startOffset(d.range);
  const end = headerEnd(d);
  const errors = view.analysis.diagnosticsFor(view.path).filter((x) => x.severity === 'error' && startOffset(x.range) >= start && startOffset(x.range) <= end);
  if (!errors.length) return null;
  return errors.map((x) => `${x.nginx ? '**nginx -t fails here:**' : '**Error:**'} ${x.message}`).join('  \n');
}

function listenParameterDoc(word: string, version: string): string | null {
  const key = word.split('=')[0]!.toLowerCase();
  const p = listenParameters(version).find((c) => c.key === key);
  return p?.documentation ? `\`${word}\`: ${p.documentation}` : null;
}

/** Where a statement is, for a person: `line 12`, or `mail.conf:12` in another file. */
function where(d: Directive | null, file: string | null, here: string): string {
  if (!d) return '';
  const line = d.range.start.line;
  return file && file !== here ? `${path.basename(file)}:${line}` : `line ${line}`;
}

function directiveText(d: Directive): string {
  return [d.name, ...d.args.map((w) => w.raw)].join(' ');
}

function settingValue(s: Setting<unknown>, name: string, a: Analysis, context: Entry['context']): string {
  if (s.directive) return `\`${directiveText(s.directive)};\``;
  const spec = specFor(a.profile, name, context);
  const dflt = defaultText(spec, docsFor(name, context));
  if (name === 'server_name' && typeof s.value === 'string') return `the host name (\`${s.value}\`)`;
  return dflt ?? `\`${JSON.stringify(s.value)}\``;
}

function enclosingServer(a: Analysis, entry: Entry): ServerModel | null {
  for (let e: Entry | null = entry; e; e = e.parent) {
    if (e.directive.name === 'server' && e.context === 'mail') return a.serverOf(e.directive) ?? null;
  }
  return null;
}

/** The "in effect here" line from the model. */
function inEffect(a: Analysis, entry: Entry, docPath: string): string | null {
  const name = entry.directive.name;
  const model = a.model;
  if (name === 'server' && entry.context === 'mail') {
    const s = a.serverOf(entry.directive);
    return s ? serverSummary(s) : null;
  }
  if (name === 'mail' && entry.context === 'main' && model.mail === entry.directive) {
    return `**This configuration:** ${model.servers.length} mail server${model.servers.length === 1 ? '' : 's'} on ${model.sockets.length} socket${model.sockets.length === 1 ? '' : 's'}.`;
  }
  if (entry.context === 'mail:server' && name === 'listen') {
    const server = enclosingServer(a, entry);
    return server ? listenSummary(a, server, entry.directive, docPath) : null;
  }
  if (entry.context === 'mail:server' && SERVER_SETTINGS.has(name)) {
    const server = enclosingServer(a, entry);
    if (!server) return null;
    const s = (server.settings as unknown as Record<string, Setting<unknown>>)[name]!;
    const value = settingValue(s, name, a, entry.context);
    if (s.origin === 'server') {
      const effective = s.directive === entry.directive ? 'set here' : `set in this server (${where(s.directive, s.file, docPath)})`;
      return `**In effect in this server:** ${value}, ${effective}.`;
    }
    return `**In effect in this server:** ${value}, ${s.origin === 'mail' ? `inherited from \`mail {}\` (${where(s.directive, s.file, docPath)})` : 'the default'}.`;
  }
  if (entry.context === 'mail' && SERVER_SETTINGS.has(name)) {
    const key = name as keyof ServerSettings;
    const inheriting = model.servers.filter((s) => s.settings[key].origin === 'mail');
    const overriding = model.servers.filter((s) => s.settings[key].origin === 'server');
    let text = `**Inherited by ${inheriting.length} of ${model.servers.length} server${model.servers.length === 1 ? '' : 's'}.**`;
    if (overriding.length) {
      const list = overriding.slice(0, 5).map((s) => where(s.directive, s.file, docPath));
      text += ` Set again in the server${overriding.length === 1 ? '' : 's'} at ${list.join(', ')}${overriding.length > 5 ? ', ...' : ''}.`;
    }
    return text;
  }
  if (entry.context === 'main' && MAIN_SETTINGS.has(name)) {
    const s = model.main[name as keyof MainSettings] as Setting<unknown>;
    return `**In effect:** ${settingValue(s, name, a, 'main')}${s.directive && s.directive !== entry.directive ? ` (${where(s.directive, s.file, docPath)})` : ''}.`;
  }
  if (entry.context === 'events' && name === 'worker_connections') {
    const s = model.main.worker_connections;
    return `**In effect:** ${settingValue(s, name, a, 'events')}.`;
  }
  return null;
}

/** What one `listen` becomes: its sockets, whether another server shares them, the protocol it implies. */
function listenSummary(a: Analysis, server: ServerModel, d: Directive, docPath: string): string | null {
  const mine = server.listens.filter((l) => l.directive === d);
  if (!mine.length) return null;
  const lines: string[] = [];
  for (const l of mine) {
    const socket = a.model.sockets.find((s) => s.listens.some((x) => x.listen === l));
    let text = `\`${l.address.text}\`${l.ssl ? ' with TLS' : ''}`;
    if (socket && socket.address.text !== l.address.text) text += ` (served by the socket \`${socket.address.text}\`)`;
    const others = socket ? socket.listens.filter((x) => x.server !== server) : [];
    if (others.length) text += `, shared with the server at ${others.map((x) => where(x.server.directive, x.server.file, docPath)).join(', ')}`;
    lines.push(text);
  }
  let out = `**Listens on** ${lines.join('; ')}.`;
  if (server.protocolOrigin === 'inferred' && server.protocolListen?.directive === d) {
    out += `  \nNo \`protocol\` in this server: nginx takes **${server.protocol}** from port ${server.protocolListen.address.port}.`;
  }
  return out;
}

export function serverSummary(s: ServerModel): string {
  const lines: string[] = [];
  const proto = s.protocol
    ? s.protocolOrigin === 'inferred' && s.protocolListen
      ? `**${s.protocol}** (inferred from port ${s.protocolListen.address.port})`
      : `**${s.protocol}**`
    : '**unknown**: no `protocol` and no well-known port';
  lines.push(`**Mail server #${s.index + 1}**: protocol ${proto}`);
  if (s.listens.length) lines.push(`Listens on ${s.listens.map((l) => `\`${l.address.text}${l.ssl ? ' ssl' : ''}\``).join(', ')}`);
  else lines.push('No `listen`: nginx refuses a mail server without one.');
  lines.push(`TLS: ${s.sslMode ? `\`${s.sslMode}\`` : 'none'}`);
  const auth = s.settings.auth_http;
  if (auth.value) lines.push(`Authentication: \`${auth.value.raw}\`${auth.origin === 'mail' ? ' (from `mail {}`)' : ''}`);
  return lines.join('  \n');
}
