import { defineRule } from '../rule.js';
import { serverOpen } from './server-checks-util.js';

/** Lint: unauthenticated SMTP passed on with XCLIENT. */
export default defineRule({
  meta: {
    id: 'open-relay-risk',
    description: '`smtp_auth none` with XCLIENT: the backend trusts unauthenticated clients',
    kind: 'lint',
    severity: 'warning',
    docs: `With \`smtp_auth none\` nginx proxies SMTP sessions that never authenticated, and with
\`xclient on\` (the default) it tells the backend the client's address and login as if nginx had
vouched for them. A backend that relays for nginx's address becomes an open relay. Restrict what
the auth server allows for \`Auth-Method: none\`, or set \`xclient off\`.`,
  },
  config(ctx) {
    const servers = ctx.model.servers;
    // Indexed: runs per server (see engine.ts on for...of).
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si]!;
      if (server.protocol !== 'smtp') continue;
      const s = server.settings;
      if (!s.smtp_auth.value.includes('none') || !s.xclient.value) continue;
      ctx.report({ message: 'smtp_auth none with xclient on lets unauthenticated clients reach the backend as trusted', ...serverOpen(ctx, server) });
    }
  },
});
