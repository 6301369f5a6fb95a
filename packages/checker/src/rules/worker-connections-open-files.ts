import { defineRule } from '../rule.js';
import { AFTER_PARSE } from '../engine.js';

/**
 * The open-file limit nginx usually starts with: systemd gives services a soft limit of 1024
 * unless LimitNOFILE= raises it, and so do most shells (`ulimit -n`). mailconf cannot know the
 * limit of the machine nginx runs on; this is the one nginx meets unless someone raised it.
 */
export const USUAL_OPEN_FILE_LIMIT = 1024;

/**
 * What nginx says of it: it warns when worker_connections is above the limit it started with
 * and above worker_rlimit_nofile if set (ngx_event_module_init), so a limit set below
 * worker_connections goes unsaid while worker_connections stays within the starting one.
 */
function nginxSays(n: number, limit: number | null): string {
  if (n <= USUAL_OPEN_FILE_LIMIT) return 'nginx does not warn of this: it compares worker_connections with the limit it started with';
  return `nginx only warns at start, "${n} worker_connections exceed open file resource limit: ${limit ?? USUAL_OPEN_FILE_LIMIT}"`;
}

/** Lint: more worker_connections than a worker can open files for. */
export default defineRule({
  meta: {
    id: 'worker-connections-open-files',
    description: '`worker_connections` above the open-file limit a worker has (`worker_rlimit_nofile`, or 1024 where nothing raises it)',
    kind: 'lint',
    severity: 'warning',
    docs: `Every connection of a worker is an open file: each client, and for a mail proxy each
backend and auth_http connection too (a proxied session holds two). When a worker reaches its
open-file limit, accepting fails with \`accept4() failed (24: Too many open files)\` and clients
wait or are refused, long before \`worker_connections\` is reached.

nginx compares the two when it starts and only warns, in the error log:
\`4096 worker_connections exceed open file resource limit: 1024\`. The limit is
\`worker_rlimit_nofile\` when set (nginx sets it for its workers), otherwise the one nginx was
started with: 1024 under systemd unless the unit sets \`LimitNOFILE=\`, and in most shells.

Reported when \`worker_rlimit_nofile\` is below \`worker_connections\`, and when it is not set
and \`worker_connections\` is above 1024. Set \`worker_rlimit_nofile\` to at least
\`worker_connections\` (nginx's own threshold), with room for the listening sockets and log files.`,
  },
  config(ctx) {
    if ((ctx.options.context ?? 'main') !== 'main') return;
    const { worker_connections: connections, worker_rlimit_nofile: rlimit } = ctx.model.main;
    const n = connections.value;
    const limit = rlimit.value;
    // Set but not a number: nginx stops at it (invalid number), and the limit is not known.
    if (rlimit.directive && limit === null) return;
    if (limit === null ? n <= USUAL_OPEN_FILE_LIMIT : n <= limit) return;
    // On the statement that sets the limit too low, or else on worker_connections.
    const at = limit !== null ? rlimit : connections;
    const d = at.directive;
    const why =
      limit !== null
        ? `worker_rlimit_nofile ${limit} is below worker_connections ${n}`
        : `worker_connections ${n} is above the open-file limit nginx usually starts with (${USUAL_OPEN_FILE_LIMIT}) and no worker_rlimit_nofile raises it`;
    ctx.report({
      message: `${why}: workers run out of descriptors first ("accept4() failed (24: Too many open files)")`,
      hint: `${nginxSays(n, limit)}; set "worker_rlimit_nofile ${n}" or more`,
      file: at.file ?? ctx.set.main.path,
      line: d ? d.line : 1,
      range: d ? d.range : ctx.set.main.lines.range(0, 0),
      order: [AFTER_PARSE, 1],
    });
  },
});
