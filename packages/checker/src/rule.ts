/**
 * A rule is one check: its metadata (id, what it catches, default severity, which nginx
 * checks of config-checks.md it reproduces) and its visitor. One rule per file under
 * rules/; rules/index.ts lists them in the order nginx applies its checks.
 */
import type { ConfigSet, Range } from '@mailconf/syntax';
import type { ContextId, DirectiveSpec, Profile } from '@mailconf/schema';
import type { Diagnostic, Fix, Severity } from './diagnostic.js';
import type { ListenAddress, MailModel } from './model.js';
import type { SocketAnswer } from './net/bind.js';
import type { Entry, WalkResult } from './walk.js';

export interface RuleMeta {
  id: string;
  /** One line: what the rule catches. */
  description: string;
  /** `nginx`: nginx -t fails (or warns) on this; `lint`: advice nginx does not give. */
  kind: 'nginx' | 'lint';
  severity: Severity;
  /** Ids of the checks in config-checks.md this rule reproduces (A1, C9, ...). */
  nginxChecks?: string[];
  /** Offers a safe fix for `--fix`. */
  fixable?: boolean;
  /** Why it matters and how to fix it (markdown); the docs page is built from this. */
  docs: string;
}

export interface Report {
  message: string;
  /** The statement the problem is about (sets file, line and range unless given). */
  entry?: Entry;
  file?: string;
  line?: number;
  range?: Range;
  /** nginx's level for nginx checks (default emerg); lints have none. */
  nginxLevel?: 'emerg' | 'warn' | 'crit' | 'alert';
  /** Overrides the rule's severity (e.g. nginx's [warn] checks). */
  severity?: Severity;
  /** Text appended to nginx's message (ours, not nginx's). */
  hint?: string;
  fix?: Fix;
  /** Position in nginx's reading order; defaults to the entry's. */
  order?: readonly number[];
}

export interface RuleContext {
  set: ConfigSet;
  profile: Profile;
  version: string;
  walk: WalkResult;
  /** Available to `config` visitors (built after the statement checks). */
  model: MailModel;
  options: CheckOptions;
  report(r: Report): void;
  /** Per-run scratch state for a rule (e.g. addresses seen so far). */
  state<T>(key: string, init: () => T): T;
  /** Entries already found invalid by a statement-stage rule (value rules skip them). */
  invalid: Set<Entry>;
}

export interface Rule {
  meta: RuleMeta;
  /**
   * `statement` rules (name, context, terminator, arity) run first for each statement, in
   * list order, and the first one that reports stops the others for that statement, as
   * nginx stops. `value` rules run after them on statements that passed.
   */
  stage?: 'statement' | 'value';
  /** The directive names the `directive` visitor is about; it is called only for those (all when absent). */
  names?: readonly string[];
  directive?(entry: Entry, ctx: RuleContext): void;
  /**
   * Whether `directive` can have anything to say about statements this spec accepts in this
   * context (value rules). The engine asks once per spec and context and then calls the rule
   * only for those statements, instead of for every statement of a file. Absent: always.
   */
  appliesTo?(spec: DirectiveSpec | null, context: ContextId | null): boolean;
  /** Runs once after all statements, with the resolved model. */
  config?(ctx: RuleContext): void;
}

export type RuleLevel = 'off' | Severity;

export interface CheckOptions {
  /** nginx version to check as (default: the newest). */
  nginxVersion?: string;
  /** Context of the top of the file: `main` (a whole nginx.conf), or a fragment's. */
  context?: 'main' | 'events' | 'mail' | 'server' | 'http' | 'stream';
  /** Per-rule levels. */
  rules?: Record<string, RuleLevel>;
  /**
   * Check that the files nginx reads at start-up (certificates, keys, DH parameters, CA and
   * CRL files, ticket keys, password files) exist on this machine. Off by default: a CI runner
   * or a laptop rarely has the production certificates.
   */
  checkFiles?: boolean;
  /**
   * Answers what a host name resolves to on this machine: its addresses in getaddrinfo's order
   * (lookUpHost), true when it resolves and the addresses are not said, false when it does not
   * resolve, undefined when it is not known. nginx resolves the host names of listen, auth_http,
   * resolver and upstream servers while it reads the configuration, and stops with `host not
   * found` when one does not resolve, or with a duplicate address and port pair when a listen's
   * name gives an address listened on already. Given (`mailconf lint --check-dns`, run where nginx
   * runs), those are reported too. The checker stays synchronous: the caller resolves the names
   * it is asked about and checks again.
   */
  resolveHost?: (host: string) => boolean | readonly string[] | undefined;
  /**
   * Answers whether a listening socket can be opened on this machine as `nginx -t` opens it
   * (bindsHere): null when it can (or is in use), why not when it cannot, undefined when not
   * known. Given (`mailconf lint --check-sockets`, run where nginx runs), the sockets nginx would
   * fail to open are reported. Synchronous, as resolveHost.
   */
  bindSocket?: (address: ListenAddress) => SocketAnswer | undefined;
  /**
   * Whether `nginx -t` runs as root on this machine (default: it does, as nginx starts). An http
   * server without `listen` listens on `*:80` as root and on `*:8000` otherwise; with
   * bindSocket, that wildcard decides which addresses of its port get a socket of their own.
   */
  asRoot?: boolean;
  /**
   * When given, the milliseconds each phase of the check took are added to it (walk,
   * statements, model, whole-configuration, sort): `MAILCONF_TIMING=1 mailconf lint` prints them.
   */
  timings?: Record<string, number>;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { Diagnostic };
