/** Profile lookups: known / unknown / not allowed here, per version and build. */
import { describe, expect, it } from 'vitest';
import {
  NEWEST_VERSION,
  ORACLE_VERSION,
  compareVersions,
  effectiveVersion,
  evaluateCondition,
  getProfile,
  type ContextId,
} from '@mailconf/schema';

const oracle = getProfile(ORACLE_VERSION);
const newest = getProfile();

describe('versions', () => {
  it.each([
    ['1.22.1', '1.22.1', 0],
    ['1.22.1', '1.22.10', -1],
    ['1.9.0', '1.10.0', -1],
    ['1.25', '1.25.0', 0],
    ['1.31.5', '1.31.4', 1],
    ['nginx/1.2.3', '1.2.3', 0],
  ])('compareVersions(%s, %s) = %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it.each([
    [undefined, NEWEST_VERSION],
    ['1.18.0', ORACLE_VERSION],
    ['2.0.0', NEWEST_VERSION],
    ['1.26.2', '1.26.2'],
    ['not a version', NEWEST_VERSION],
  ])('effectiveVersion(%s) = %s', (requested, expected) => {
    expect(effectiveVersion(requested)).toBe(expected);
  });

  it('picks the default build per version', () => {
    expect(oracle.version).toBe('1.22.1');
    expect(oracle.build).toBe('debian-bookworm');
    expect(newest.version).toBe(NEWEST_VERSION);
    expect(newest.build).toBe('full');
    expect(getProfile('1.10.0').version).toBe(ORACLE_VERSION);
    expect(getProfile('1.10.0').requestedVersion).toBe('1.10.0');
    expect(getProfile('1.22.1', { build: 'full' }).isKnown('perl_modules')).toBe(true);
  });
});

describe('known, unknown and not allowed here', () => {
  // [name, context, known in 1.22.1, allowed in 1.22.1, known newest, allowed newest]
  const rows: [string, ContextId, boolean, boolean, boolean, boolean][] = [
    ['timeout', 'mail', true, true, true, true],
    ['timeout', 'main', true, false, true, false],
    ['root', 'mail', true, false, true, false],
    ['root', 'http:location', true, true, true, true],
    ['listen', 'mail', true, false, true, false],
    ['listen', 'mail:server', true, true, true, true],
    ['protocol', 'mail', true, false, true, false],
    ['auth_http', 'main', true, false, true, false],
    ['ssl', 'mail:server', true, true, false, false],
    ['ssl_certificate_compression', 'mail', false, false, true, true],
    ['ssl_object_cache_inheritable', 'main', false, false, true, true],
    ['quic_bpf', 'main', false, false, true, true],
    ['perl_modules', 'http', false, false, true, true],
    ['gzip_static', 'http:location', true, true, true, true],
    ['sub_filter', 'http:location', true, true, true, true],
    ['geoip_country', 'http', false, false, true, true],
    ['image_filter', 'http:location', false, false, true, true],
    ['ssl_preread', 'stream:server', true, true, true, true],
    ['kqueue_changes', 'events', false, false, false, false],
    ['stall_threshold', 'events', false, false, false, false],
    ['worker_connections', 'events', true, true, true, true],
    ['worker_connections', 'main', true, false, true, false],
    ['epoll_events', 'events', true, true, true, true],
    ['include', 'mail:server', true, true, true, true],
    ['include', 'http:limit_except', true, true, true, true],
    ['mail', 'main', true, true, true, true],
    ['mail', 'http', true, false, true, false],
    ['server', 'mail', true, true, true, true],
    ['server', 'http:upstream', true, true, true, true],
    ['foo', 'mail', false, false, false, false],
    ['Worker_processes', 'main', false, false, false, false],
    ['pass', 'stream:server', false, false, true, true],
    ['google_perftools_profiles', 'main', false, false, true, true],
    // Debian backported max_headers (upstream 1.29.8) into 1.22.1, in http and server only.
    ['max_headers', 'http:server', true, true, true, true],
    ['max_headers', 'http:location', true, false, true, false],
  ];
  it.each(rows)('%s in %s', (name, ctx, known1, allowed1, knownN, allowedN) => {
    expect(oracle.isKnown(name)).toBe(known1);
    expect(oracle.allowedIn(name, ctx) !== null).toBe(allowed1);
    expect(newest.isKnown(name)).toBe(knownN);
    expect(newest.allowedIn(name, ctx) !== null).toBe(allowedN);
  });
});

describe('mail directive details', () => {
  it('ssl is deprecated in 1.22.1 and gone from 1.25.1', () => {
    const ssl = oracle.allowedIn('ssl', 'mail:server');
    expect(ssl?.deprecatedIn).toBe('1.15.0');
    expect(ssl?.removedIn).toBe('1.25.1');
    expect(getProfile('1.25.0').isKnown('ssl')).toBe(true);
    expect(getProfile('1.25.1').isKnown('ssl')).toBe(false);
  });

  it('proxy_protocol is a flag before 1.31.4 and an enum with v2 from then', () => {
    for (const v of ['1.22.1', '1.29.0', '1.31.3']) {
      const spec = getProfile(v).allowedIn('proxy_protocol', 'mail');
      expect(spec?.arity).toEqual({ kind: 'flag' });
      expect(spec?.value).toEqual({ type: 'flag' });
    }
    for (const v of ['1.31.4', NEWEST_VERSION]) {
      const spec = getProfile(v).allowedIn('proxy_protocol', 'mail:server');
      expect(spec?.arity).toEqual({ kind: 'counts', counts: [1] });
      expect(spec?.value).toEqual({ type: 'enum', values: ['off', 'on', 'v2'] });
    }
  });

  it('ssl_protocols default follows the version', () => {
    expect(oracle.allowedIn('ssl_protocols', 'mail')?.default).toBe('TLSv1 TLSv1.1 TLSv1.2');
    expect(getProfile('1.25.0').allowedIn('ssl_protocols', 'mail')?.default).toBe('TLSv1 TLSv1.1 TLSv1.2 TLSv1.3');
    expect(newest.allowedIn('ssl_protocols', 'mail')?.default).toBe('TLSv1.2 TLSv1.3');
  });

  it('the mail directives are exact; others come from the command tables', () => {
    const timeout = newest.allowedIn('timeout', 'mail');
    expect(timeout).toMatchObject({ module: 'ngx_mail_core_module', exact: true, default: '60s', repeat: 'error' });
    expect(timeout?.value).toEqual({ type: 'time', unit: 'ms' });
    const root = newest.allowedIn('root', 'http:location');
    expect(root).toMatchObject({ module: 'ngx_http_core_module', family: 'http', exact: false });
    expect(root?.arity).toEqual({ kind: 'counts', counts: [1] });
  });

  it('a name defined by several modules lists every definition', () => {
    const modules = oracle.lookup('error_log').map((s) => s.module).sort();
    expect(modules).toEqual([
      'ngx_errlog_module',
      'ngx_http_core_module',
      'ngx_mail_core_module',
      'ngx_stream_core_module',
    ]);
    expect(oracle.allowedIn('error_log', 'mail:server')?.module).toBe('ngx_mail_core_module');
    expect(oracle.allowedIn('error_log', 'main')?.module).toBe('ngx_errlog_module');
  });

  it('block bodies', () => {
    expect(newest.allowedIn('mail', 'main')?.body).toBe('mail');
    expect(newest.allowedIn('server', 'mail')?.body).toBe('mail:server');
    expect(newest.allowedIn('server', 'http')?.body).toBe('http:server');
    expect(newest.allowedIn('server', 'http:upstream')?.block).toBe(false);
    expect(newest.allowedIn('types', 'http')?.body).toBe('raw');
    expect(newest.allowedIn('if', 'http:server')?.bodyIn).toEqual({
      'http:server': 'http:if-server',
      'http:location': 'http:if-location',
    });
  });

  it('namesIn lists what completion may offer', () => {
    const server = oracle.namesIn('mail:server');
    expect(server).toContain('listen');
    expect(server).toContain('ssl');
    expect(server).toContain('include');
    expect(server).not.toContain('root');
    expect(newest.namesIn('mail:server')).not.toContain('ssl');
    expect(oracle.namesIn('mail')).not.toContain('listen');
  });
});

describe('evaluateCondition', () => {
  it.each([
    ['(NGX_HTTP_SSL)', true],
    ['(NGX_WIN32)', false],
    ['!(NGX_WIN32)', true],
    ['(NGX_HTTP_SSL) && (NGX_WIN32)', false],
    ['(NGX_HTTP_SSL) || (NGX_WIN32)', true],
    ['!((NGX_HTTP_SSL) && !(NGX_WIN32))', false],
  ])('%s → %s', (cond, expected) => {
    expect(evaluateCondition(cond, { NGX_HTTP_SSL: true })).toBe(expected);
  });
});

describe('module variables', () => {
  it("the build's modules, its preprocessor conditions and the version decide", () => {
    const debian = getProfile('1.22.1').moduleVariables('http');
    const full = getProfile('1.29.3').moduleVariables('http');
    expect(debian.names.has('remote_addr')).toBe(true);
    // Debian's nginx-light has no geoip module; a full build does.
    expect(debian.names.has('geoip_country_code')).toBe(false);
    expect(full.names.has('geoip_country_code')).toBe(true);
    // Under `#if 0` in the proxy module: in no build.
    expect(full.names.has('proxy_add_via')).toBe(false);
    // Linux has TCP_INFO.
    expect(debian.names.has('tcpinfo_rtt')).toBe(true);
    expect(debian.names.has('request_port')).toBe(false);
    expect(full.names.has('request_port')).toBe(true);
    expect(debian.prefixes).toEqual(expect.arrayContaining(['http_', 'arg_', 'cookie_', 'sent_http_', 'upstream_http_']));
    expect(debian.prefixes).not.toContain('proxy_protocol_tlv_');
    expect(debian.changeable.has('args')).toBe(true);
    expect(debian.changeable.has('host')).toBe(false);
  });
  it('stream has a namespace of its own', () => {
    const stream = getProfile('1.22.1').moduleVariables('stream');
    expect(stream.names.has('ssl_preread_server_name')).toBe(true);
    expect(stream.names.has('host')).toBe(false);
    expect(stream.prefixes).toEqual([]);
  });
});
