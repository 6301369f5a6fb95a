/** Helpers for the rules that run on the resolved model (after `mail {}` is read). */
import { spanRange, type Directive, type Range } from '@mailconf/syntax';
import type { ServerModel, ServerSettings } from '../model.js';
import type { RuleContext } from '../rule.js';
import type { Entry } from '../walk.js';
import { serverEntries } from '../mail/model-builder.js';

/** The walk entry of a server of `ctx.model` (its statements, includes expanded, and reading order). */
export function serverEntry(ctx: RuleContext, server: ServerModel): Entry | undefined {
  return serverEntries(ctx.model)?.[server.index];
}

/** The `{` of a server block: where nginx points its post-parse messages (config-checks.md D1, D2, D4). */
export function serverOpen(ctx: RuleContext, server: ServerModel) {
  const d = server.directive;
  const range = d.terminatorRange ?? d.range;
  return { file: server.file, line: range.start.line, range: { start: d.range.start, end: range.end } };
}

/**
 * nginx validates servers after the `}` that closes `mail {}`, module by module (core, ssl,
 * pop3, imap, smtp, auth_http, proxy, realip), each over all servers in file order.
 */
export const MODULE_ORDER = { core: 0, ssl: 1, pop3: 2, imap: 3, smtp: 4, auth_http: 5, proxy: 6, realip: 7 } as const;

export function mailEndSeq(ctx: RuleContext): number {
  return ctx.state('mail-end-seq', () => {
    const mail = ctx.model.mail ? ctx.walk.roots.find((e) => e.directive === ctx.model.mail) : undefined;
    return mail ? mail.endSeq : ctx.walk.all.length * 2 + 1;
  });
}

export function postParseOrder(ctx: RuleContext, module: keyof typeof MODULE_ORDER, server: ServerModel, sub = 0): number[] {
  return [mailEndSeq(ctx), MODULE_ORDER[module], server.index, sub];
}

/**
 * The servers where a setting that is set does nothing, once per statement: a server's own
 * statement when that server gets nothing from it; a statement in `mail {}` when none of the
 * servers inheriting it does (the first of them stands for all). Servers without a listen
 * are server-without-listen's to report.
 */
export function settingsWithoutEffect(ctx: RuleContext, key: keyof ServerSettings, isSet: (s: ServerModel) => boolean, hasEffect: (s: ServerModel) => boolean): ServerModel[] {
  const out: ServerModel[] = [];
  // Servers that inherit mail {}'s value, by the statement that set it.
  const inheritors = new Map<object, ServerModel[]>();
  const servers = ctx.model.servers;
  // Indexed: runs per server (see engine.ts on for...of).
  for (let si = 0; si < servers.length; si++) {
    const server = servers[si]!;
    const setting = server.settings[key];
    if (!setting.directive || !server.listens.length || !isSet(server)) continue;
    if (setting.origin === 'server') {
      if (!hasEffect(server)) out.push(server);
      continue;
    }
    let list = inheritors.get(setting.directive);
    if (!list) inheritors.set(setting.directive, (list = []));
    list.push(server);
  }
  for (const group of inheritors.values()) if (!group.some(hasEffect)) out.push(group[0]!);
  return out;
}

/** A statement's range up to and with its terminator, for reports about the whole statement. */
export function statementRange(d: Directive): Range {
  return spanRange(d.range, d.terminatorRange ?? d.range);
}
