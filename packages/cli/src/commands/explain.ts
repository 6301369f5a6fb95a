/**
 * `mailconf explain FILE`: each mail server's effective settings and where each comes from
 * (set in the server, inherited from mail {}, or nginx's default).
 */
import type { Command } from 'commander';
import { checkConfigSet, SETTING_NAMES, type CheckOptions, type ServerModel, type Setting } from '@mailconf/checker';
import { displayPath, InputError, readInput } from '../io/read-input.js';
import type { SetExit } from './index.js';
import { writeErr, writeOut } from '../io/output.js';

export function registerExplain(program: Command, setExit: SetExit): void {
  program
    .command('explain')
    .description("print each mail server's effective settings and their origin (server, mail {}, default)")
    .argument('<file>', 'configuration file, or - for standard input')
    .option('--context <context>', 'main (default) or mail for a fragment')
    .option('--nginx-version <version>', 'resolve as this nginx version does')
    .option('--all', 'also list settings left at their defaults')
    .option('-f, --format <format>', 'text or json', 'text')
    .action((file: string, opts: { context?: string; nginxVersion?: string; all?: boolean; format: string }) => {
      let set;
      try {
        set = readInput(file);
      } catch (err) {
        if (err instanceof InputError) {
          writeErr(err.message + '\n');
          return setExit(2);
        }
        throw err;
      }
      const { model, diagnostics } = checkConfigSet(set, {
        context: (opts.context ?? 'main') as CheckOptions['context'],
        ...(opts.nginxVersion ? { nginxVersion: opts.nginxVersion } : {}),
      });
      if (opts.format === 'json') {
        writeOut(JSON.stringify(model.servers.map((s) => serverJson(s)), null, 2) + '\n');
      } else {
        writeOut(model.servers.map((s) => serverText(s, !!opts.all)).join('\n'));
        if (!model.servers.length) writeOut('no mail servers\n');
      }
      setExit(diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
    });
}

function show(v: unknown): string {
  if (v === null) return '-';
  if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? x.join(' ') : typeof x === 'object' ? show(x) : String(x))).join(', ') || '(none)';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('raw' in o) return String(o.raw);
    if ('target' in o) return `${o.target} ${o.level}`;
    return JSON.stringify(v);
  }
  return String(v);
}

function origin(s: Setting<unknown>): string {
  if (s.origin === 'default') return 'default';
  const where = s.directive ? `${displayPath(s.file ?? '-')}:${s.directive.line}` : '';
  return s.origin === 'mail' ? `mail {} ${where}` : `server ${where}`;
}

function serverText(s: ServerModel, all: boolean): string {
  const listens = s.listens.map((l) => `${l.address.text}${l.ssl ? ' ssl' : ''}${l.proxyProtocol ? ' proxy_protocol' : ''}`).join(', ');
  const lines = [
    `server #${s.index + 1} (${displayPath(s.file)}:${s.directive.line}): ${s.protocol ?? 'unknown protocol'}${s.protocolOrigin === 'inferred' ? ` (inferred from port ${s.protocolListen?.address.port})` : ''} on ${listens || 'no listen'}`,
  ];
  const width = Math.max(...SETTING_NAMES.map((n) => n.length));
  for (const name of SETTING_NAMES) {
    const setting = s.settings[name] as Setting<unknown>;
    if (!all && setting.origin === 'default') continue;
    const unit = name.endsWith('timeout') || name === 'smtp_greeting_delay' ? ' ms' : name.endsWith('_buffer') ? ' bytes' : '';
    lines.push(`  ${name.padEnd(width)}  ${show(setting.value)}${typeof setting.value === 'number' ? unit : ''}  [${origin(setting)}]`);
  }
  return lines.join('\n') + '\n';
}

function serverJson(s: ServerModel) {
  return {
    index: s.index,
    file: s.file,
    line: s.directive.line,
    protocol: s.protocol,
    protocolOrigin: s.protocolOrigin,
    listens: s.listens.map((l) => ({ ...l, directive: undefined, line: l.directive.line })),
    settings: Object.fromEntries(
      SETTING_NAMES.map((n) => {
        const st = s.settings[n] as Setting<unknown>;
        return [n, { value: st.value, origin: st.origin, file: st.file, line: st.directive?.line ?? null }];
      }),
    ),
  };
}
