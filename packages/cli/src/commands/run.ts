/**
 * `mailconf run FILE`: checks the configuration (refusing to start on errors, printed as
 * `mailconf lint` prints them) and runs its mail servers as nginx's mail proxy would —
 * IMAP, POP3 and SMTP with auth_http, the error log, `pid`, `worker_processes`, and
 * signals (TERM/INT stop, QUIT stops gracefully, HUP reloads). Behaves as nginx 1.22.1
 * (the reference the parity tests record) unless --nginx-version says otherwise.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import type { Diagnostic } from '@mailconf/checker';
import { MachineAnswers } from '../lint/machine-answers.js';
import { ORACLE_VERSION } from '@mailconf/schema';
import { runMaster, type LoadResult } from '@mailconf/runtime';
import { displayPath, InputError, readInput } from '../io/read-input.js';
import { stylish, useColor } from '../output/stylish.js';
import type { SetExit } from './index.js';
import { isTerminal, keepRunningWhenReadersGo, writeErr } from '../io/output.js';

interface RunOptions {
  nginxVersion?: string;
  prefix?: string;
  includes: boolean;
}

export function registerRun(program: Command, setExit: SetExit): void {
  program
    .command('run')
    .description("run a configuration's mail servers as nginx's mail proxy would (IMAP, POP3, SMTP with auth_http)")
    .argument('<file>', 'configuration file (the whole nginx.conf, or one with a mail {} block)')
    .option('--nginx-version <version>', `check and behave as this nginx version (default: ${ORACLE_VERSION}, the reference)`)
    .option('-p, --prefix <dir>', "base for relative paths such as error_log and pid (default: the file's directory)")
    .option('--no-includes', 'do not follow include directives')
    .action(async (file: string, opts: RunOptions) => {
      keepRunningWhenReadersGo();
      if (opts.nginxVersion && !/^\d+\.\d+(\.\d+)?$/.test(opts.nginxVersion)) {
        writeErr(`mailconf: invalid --nginx-version "${opts.nginxVersion}"\n`);
        return setExit(2);
      }
      if (file === '-') {
        writeErr('mailconf: run needs a file (it is read again on reload)\n');
        return setExit(2);
      }
      const version = opts.nginxVersion ?? ORACLE_VERSION;
      const load = (): Promise<LoadResult> => loadConfig(file, version, opts.includes);
      try {
        // read once up front so that an unreadable file is a usage error, not a failed start
        readInput(file, { followIncludes: opts.includes });
      } catch (err) {
        if (err instanceof InputError) {
          writeErr(err.message + '\n');
          return setExit(2);
        }
        throw err;
      }
      const prefix = path.resolve(opts.prefix ?? path.dirname(path.resolve(file)));
      setExit(await runMaster({ load, prefix }));
    });
}

/**
 * Reads and checks the file as nginx does when it starts or reloads: the host names it resolves
 * then (listen, auth_http, resolver, ...) are resolved here and now, so a name that does not
 * resolve stops the start ("host not found"), and a listen's name is the addresses it resolves
 * to, each served as nginx serves it. Resolved again at every reload, as nginx does.
 */
async function loadConfig(file: string, nginxVersion: string, followIncludes: boolean): Promise<LoadResult> {
  let diagnostics: Diagnostic[];
  let model;
  try {
    const set = readInput(file, { followIncludes });
    ({ diagnostics, model } = await new MachineAnswers({ dns: true, sockets: false }).check(set, { nginxVersion, context: 'main' }));
  } catch (err) {
    const message = err instanceof InputError ? err.message : `mailconf: cannot check ${file}: ${(err as Error).message}`;
    return { model: null, report: message + '\n', errors: [message] };
  }
  const shown = diagnostics.filter((d) => d.severity !== 'info');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return {
    model: errors.length ? null : model,
    report: stylish(shown, useColor(isTerminal(2))),
    errors: errors.map((d) => `${d.message} in ${displayPath(d.file)}:${d.line}`),
  };
}
