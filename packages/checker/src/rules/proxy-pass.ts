import { readProxyUrl } from '../net/proxy-url.js';
import { defineRule } from '../rule.js';
import type { Entry } from '../walk.js';

/**
 * The URL of `proxy_pass` as ngx_http_proxy_pass reads it while the configuration is read.
 * A URL with variables is read per request. Host names are not looked up (nginx resolves
 * them only after reading, and a checker without the servers' DNS cannot).
 */
export default defineRule({
  meta: {
    id: 'proxy-pass',
    description: "proxy_pass URLs: the http:// or https:// prefix, the address, and no URI part where nginx cannot replace one",
    kind: 'nginx',
    severity: 'error',
    docs: `A mail proxy's \`auth_http\` endpoint is often an http \`location\` that proxies to the real
authentication service. nginx reads \`proxy_pass\` as soon as it meets it:
- the URL starts with \`http://\` or \`https://\` (\`invalid URL prefix\`: \`proxy_pass backend;\`);
- the address is a host, \`[IPv6]\` or \`unix:/path\`, with a port from 1 to 65535
  (\`invalid port in upstream "backend:99999"\`, \`no host in upstream ""\`);
- inside a regular-expression location, a named location, an \`if\` or a \`limit_except\`, the URL
  cannot have a URI part (\`proxy_pass http://backend/;\`): nginx would not know which part of the
  request URI to replace. Leave the \`/\` out, or rewrite the URI first.
A URL with variables is read per request and not checked here; host names are not looked up.`,
  },
  stage: 'value',
  names: ['proxy_pass'],
  directive(entry, ctx) {
    const d = entry.directive;
    if (d.argCount !== 1 || !entry.context?.startsWith('http')) return;
    const url = d.argValue(0);
    if (url.includes('$')) return;
    const fail = (message: string) => ctx.report({ entry, message, range: d.args[0]!.range });
    const read = readProxyUrl(url);
    if (!read.ok) return fail(read.message);
    if (read.uri && !replaceableUri(entry.parent)) {
      fail('"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, or inside "if" statement, or inside "limit_except" block');
    }
  },
});

/** Whether the block's location has a URI prefix to replace: not a regex or named location, not an `if` or `limit_except`. */
function replaceableUri(block: Entry | null): boolean {
  if (!block) return true;
  const d = block.directive;
  if (d.name === 'if' || d.name === 'limit_except') return false;
  if (d.name !== 'location') return true;
  const first = d.argCount ? d.argValue(0) : '';
  return !(first.startsWith('~') || first.startsWith('@'));
}
