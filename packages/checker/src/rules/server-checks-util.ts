/** Helpers for the rules that run on the resolved model (after `mail {}` is read). */
import type { ServerModel } from '../model.js';
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
