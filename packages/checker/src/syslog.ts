/**
 * A `syslog:` log target as ngx_syslog_process_conf reads it (error_log and access_log, in
 * every context): comma-separated `server=`, `facility=`, `severity=`, `tag=` and `nohostname`,
 * each at most once, then a server is required. nginx looks the server's host name up: it is
 * reported when the caller's resolver says it does not resolve (--check-dns).
 */
import { parseHostPort } from './mail/urls.js';
import { DNS_HINT } from './net/dns.js';

const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'intern', 'lpr', 'news', 'uucp', 'clock', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];
const SEVERITIES = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];

/** nginx's message for a `syslog:...` target it refuses (with our hint for a name that does not resolve), or null. */
export function syslogError(target: string, notFound: (host: string) => boolean = () => false): { message: string; hint?: string } | null {
  const seen = new Set<string>();
  let server = false;
  for (const p of target.slice('syslog:'.length).split(',')) {
    const once = (name: string): string | null => {
      if (seen.has(name)) return `duplicate syslog "${name}"`;
      seen.add(name);
      return null;
    };
    let error: string | null = null;
    if (p.startsWith('server=')) {
      error = once('server');
      if (!error) {
        const url = p.slice(7);
        const r = parseHostPort(url, 514, false);
        if (!r.ok) error = `${r.error} in syslog server "${url}"`;
        else if (r.value.family === 'name' && notFound(r.value.host)) return { message: `host not found in syslog server "${url}"`, hint: DNS_HINT };
        server = true;
      }
    } else if (p.startsWith('facility=')) {
      error = once('facility') ?? (FACILITIES.includes(p.slice(9)) ? null : `unknown syslog facility "${p.slice(9)}"`);
    } else if (p.startsWith('severity=')) {
      error = once('severity') ?? (SEVERITIES.includes(p.slice(9)) ? null : `unknown syslog severity "${p.slice(9)}"`);
    } else if (p.startsWith('tag=')) {
      // RFC 3164: alphanumeric, at most 32 characters (nginx allows the underscore too).
      error = once('tag') ?? (p.length - 4 > 32 ? 'syslog tag length exceeds 32' : /^[A-Za-z0-9_]*$/.test(p.slice(4)) ? null : 'syslog "tag" only allows alphanumeric characters and underscore');
    } else if (p !== 'nohostname') {
      error = `unknown syslog parameter "${p}"`;
    }
    if (error) return { message: error };
  }
  return server ? null : { message: 'no syslog server specified' };
}
