/** getDocs: every mail directive is documented, from the mail module's entry. */
import { describe, expect, it } from 'vitest';
import { CORE_DIRECTIVES, MAIL_DIRECTIVES, getDocs } from '@mailconf/schema';

describe('mail directive docs', () => {
  it.each(MAIL_DIRECTIVES.flatMap((s) => s.contexts.map((ctx) => [s.name, ctx, s] as const)))(
    '%s in %s',
    (name, ctx, spec) => {
      const docs = getDocs(name, ctx);
      expect(docs).not.toBeNull();
      expect(docs!.name).toBe(name);
      // error_log is documented once, in the core module, for every context it appears in.
      if (name === 'error_log') {
        expect(docs!.module).toBe('Core functionality');
        expect(docs!.contexts).toContain(ctx === 'mail' ? 'mail' : 'server');
      } else {
        expect(docs!.module).toMatch(/^ngx_mail_/);
        expect(docs!.url).toMatch(/^https:\/\/nginx\.org\/en\/docs\/mail\/ngx_mail_\w+_module\.html/);
      }
      expect(docs!.syntax.length).toBeGreaterThan(0);
      for (const line of docs!.syntax) expect(line.startsWith(`\`${name}\``)).toBe(true);
      expect(docs!.description.length).toBeGreaterThan(10);
      expect(docs!.since).toBe(spec.since ?? null);
      // nginx.org calls the mail server context `server`.
      const documented = spec.contexts.map((c) => (c === 'mail:server' ? 'server' : c));
      if (name !== 'proxy' && name !== 'error_log') expect(docs!.contexts).toEqual(documented);
    },
  );

  it('picks the mail entry when several modules document a name', () => {
    expect(getDocs('listen', 'mail:server')?.url).toBe('https://nginx.org/en/docs/mail/ngx_mail_core_module.html#listen');
    expect(getDocs('listen', 'http:server')?.module).toBe('ngx_http_core_module');
    expect(getDocs('listen', 'stream:server')?.module).toBe('ngx_stream_core_module');
    expect(getDocs('ssl_certificate')?.module).toBe('ngx_mail_ssl_module');
    expect(getDocs('server', 'mail')?.module).toBe('ngx_mail_core_module');
    expect(getDocs('error_log', 'main')?.url).toBe('https://nginx.org/en/docs/ngx_core_module.html#error_log');
  });

  it('documents the undocumented mail proxy directive with our own text', () => {
    const docs = getDocs('proxy', 'mail');
    expect(docs?.module).toBe('ngx_mail_proxy_module');
    expect(docs?.default).toBe('off');
    expect(getDocs('proxy')?.module).toBe('ngx_mail_proxy_module');
  });

  it('formats syntax and default like nginx.org', () => {
    expect(getDocs('timeout', 'mail')).toMatchObject({ syntax: ['`timeout` *`time`*;'], default: '60s' });
    expect(getDocs('mail')?.syntax).toEqual(['`mail` `{...}`']);
    expect(getDocs('auth_http', 'mail')?.default).toBeNull();
  });

  it('has docs for the documented main and events directives', () => {
    const undocumented = new Set(['epoll_events', 'quic_bpf', 'http', 'stream']);
    for (const spec of CORE_DIRECTIVES) {
      const docs = getDocs(spec.name, spec.contexts[0]);
      if (undocumented.has(spec.name)) continue;
      expect(docs, spec.name).not.toBeNull();
    }
    expect(getDocs('no_such_directive')).toBeNull();
  });
});
