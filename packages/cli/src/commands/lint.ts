/**
 * `mailconf lint [FILE...|-]`: every problem nginx -t would report, all at once, plus our
 * lints. Exit 0 clean, 1 on errors (or on more warnings than --max-warnings), 2 on usage or
 * I/O errors.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { applyFixes, checkConfigSet, nginxVerdict, stopwatch, type CheckOptions, type CheckResult, type Diagnostic } from '@mailconf/checker';
import { encodeSource, type ConfigSet } from '@mailconf/syntax';
import { displayPath, InputError, readInput } from '../io/read-input.js';
import { writeFileAtomic } from '../io/write-file.js';
import { CONTEXTS, findConfig, parseRuleOptions, readConfig, VERSION_PATTERN } from '../lint/config-file.js';
import { MachineAnswers } from '../lint/machine-answers.js';
import { github } from '../output/github.js';
import { json } from '../output/json.js';
import { sarif } from '../output/sarif.js';
import { stylish, useColor } from '../output/stylish.js';
import type { SetExit } from './index.js';
import { isTerminal, writeErr, writeOut } from '../io/output.js';

const FORMATS = ['stylish', 'json', 'sarif', 'github'];

interface LintOptions {
  format: string;
  maxWarnings?: string;
  fix?: boolean;
  context?: string;
  nginxVersion?: string;
  config?: string;
  rule: string[];
  nginx?: boolean;
  includes: boolean;
  checkFiles?: boolean;
  checkDns?: boolean;
  checkSockets?: boolean;
}

export function registerLint(program: Command, setExit: SetExit): void {
  program
    .command('lint')
    .description('check configurations as nginx -t does, all problems at once, plus mail-specific lints')
    .argument('[files...]', 'configuration files, or - for standard input', ['-'])
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, 'stylish')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('--fix', 'apply safe fixes in place (missing ";", duplicate listen, "ssl on" to "listen ... ssl", ...)')
    .option('--context <context>', `what the file is: ${CONTEXTS.join(', ')} (a fragment such as conf.d/mail.conf is "mail")`)
    .option('--nginx-version <version>', 'check as this nginx version does (default: the newest)')
    .option('-c, --config <file>', 'lint configuration (default: .mailconfrc.json found upwards)')
    .option('--rule <id=level>', 'set a rule level (off, info, warning, error); repeatable', (v: string, acc: string[]) => [...acc, v], [])
    .option('--nginx', 'print only what nginx -t would print: the first error in nginx\'s order, for each file')
    .option('--no-includes', 'do not follow include directives')
    .option('--check-files', 'also check that certificates, keys and other files nginx reads at start-up exist (run it where nginx runs)')
    .option('--check-dns', 'also check that the host names nginx resolves at start-up (listen, auth_http, resolver, upstreams, set_real_ip_from, syslog) resolve, and read listen names as the addresses they resolve to (run it where nginx runs)')
    .option('--check-sockets', 'also check that the listen sockets nginx opens at start-up (mail, http, stream) can be bound (the address is on this machine, the port allowed to this user, a unix socket\'s directory there) (run it where nginx runs, as the user it starts as)')
    .action(async (files: string[], opts: LintOptions) => {
      try {
        setExit(await run(files, opts));
      } catch (err) {
        if (err instanceof InputError) {
          writeErr(err.message + '\n');
          return setExit(2);
        }
        throw err;
      }
    });
}

async function run(files: string[], opts: LintOptions): Promise<number> {
  if (!FORMATS.includes(opts.format)) throw new InputError(`mailconf: unknown format "${opts.format}" (${FORMATS.join(', ')})`);
  if (opts.context && !CONTEXTS.includes(opts.context)) throw new InputError(`mailconf: unknown context "${opts.context}" (${CONTEXTS.join(', ')})`);
  // A whole number of warnings ("", "1.5", "0x4" and "Infinity" are not).
  if (opts.maxWarnings !== undefined && !/^\d+$/.test(opts.maxWarnings.trim())) throw new InputError('mailconf: --max-warnings expects a whole number');
  const maxWarnings = opts.maxWarnings === undefined ? Infinity : Number(opts.maxWarnings);
  if (opts.nginxVersion && !VERSION_PATTERN.test(opts.nginxVersion)) throw new InputError(`mailconf: invalid --nginx-version "${opts.nginxVersion}"`);

  const ruleOptions = parseRuleOptions(opts.rule);
  // MAILCONF_TIMING=1: where the time went, on stderr (for performance work; docs/performance.md).
  const timings: Record<string, number> | undefined = process.env.MAILCONF_TIMING ? {} : undefined;
  const watch = stopwatch(timings);
  // Each file is checked with its own configuration file, the nearest one upwards from it, or
  // the one --config names; files that share one share the settings made from it.
  const explicit = opts.config ? readConfig(opts.config) : null;
  const settings = new Map<string, { options: CheckOptions; check: (set: ConfigSet) => Promise<CheckResult> }>();
  const settingsFor = (file: string) => {
    const configFile = opts.config ?? findConfig(file !== '-' ? path.dirname(path.resolve(file)) : process.cwd());
    const key = configFile ?? '';
    let s = settings.get(key);
    if (!s) {
      const cfg = explicit ?? (configFile ? readConfig(configFile) : {});
      const options: CheckOptions = {
        nginxVersion: opts.nginxVersion ?? cfg.nginxVersion,
        context: (opts.context ?? cfg.context ?? 'main') as CheckOptions['context'],
        rules: { ...(cfg.rules ?? {}), ...ruleOptions },
        checkFiles: opts.checkFiles ?? cfg.checkFiles ?? false,
      };
      if (timings) options.timings = timings;
      const ask = { dns: opts.checkDns ?? cfg.checkDns ?? false, sockets: opts.checkSockets ?? cfg.checkSockets ?? false };
      const machine = new MachineAnswers(ask);
      s = { options, check: (set: ConfigSet) => (ask.dns || ask.sockets ? machine.check(set, options) : Promise.resolve(checkConfigSet(set, options))) };
      settings.set(key, s);
    }
    return s;
  };

  const all: Diagnostic[] = [];
  const firsts: Diagnostic[] = [];
  // A file that cannot be read is said on stderr and makes the exit code 2; the others are still checked and shown.
  let unreadable = false;
  for (const file of files) {
    const { check } = settingsFor(file);
    let set: ConfigSet;
    try {
      set = readInput(file, { followIncludes: opts.includes });
    } catch (err) {
      if (!(err instanceof InputError) || files.length === 1) throw err;
      writeErr(err.message + '\n');
      unreadable = true;
      continue;
    }
    watch.lap('read and parse');
    let result = await check(set);
    watch.restart();
    if (opts.fix && file !== '-') {
      // Fix, re-read and re-check until nothing more applies (fixes never overlap within a round).
      for (let round = 0; round < 5; round++) {
        const texts = new Map([...set.files].map(([f, p]) => [f, p.source] as const));
        const { texts: fixed, applied } = applyFixes(texts, result.diagnostics);
        if (!applied) break;
        for (const [f, text] of fixed) {
          if (text !== texts.get(f)) writeFileAtomic(f, encodeSource(text, set.encodings.get(f) ?? 'utf8'));
        }
        set = readInput(file, { followIncludes: opts.includes });
        result = await check(set);
      }
    }
    all.push(...result.diagnostics);
    // --nginx: what `nginx -t -c FILE` would print, for each file given
    const first = opts.nginx ? nginxVerdict(result.diagnostics) : null;
    if (first) firsts.push(first);
  }

  const shown = opts.nginx ? firsts : all;
  let out: string;
  switch (opts.format) {
    case 'json':
      out = json(shown);
      break;
    case 'sarif':
      out = sarif(shown);
      break;
    case 'github':
      out = github(shown);
      break;
    default:
      out = stylish(shown, useColor(isTerminal(1)));
  }
  writeOut(out);
  watch.lap('output');
  if (timings) {
    timings['process start to now'] = performance.now();
    writeErr(Object.entries(timings).map(([k, v]) => `${k}: ${v.toFixed(1)} ms`).join('\n') + '\n');
  }
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  void displayPath;
  if (unreadable) return 2;
  return errors > 0 || warnings > maxWarnings ? 1 : 0;
}
