/**
 * Module sets of the builds the schema models. A directive is known to a build when one of
 * its modules defines it (and the preprocessor conditions around it hold).
 */
import type { BuildId } from '../types.js';

/**
 * Debian 12 (bookworm) nginx 1.22.1 as the oracle runs it: the `nginx` binary that
 * `nginx-light` installs, plus the dynamic mail and stream modules (libnginx-mod-mail,
 * libnginx-mod-stream). Listed with scripts/schema/list-build-modules.mjs from
 * /usr/sbin/nginx and the two `.so` files; `nginx -V` shows the matching configure
 * arguments (geoip, image_filter, perl and xslt are separate packages, not installed).
 */
export const DEBIAN_BOOKWORM_MODULES: readonly string[] = [
  'ngx_conf_module', 'ngx_core_module', 'ngx_epoll_module', 'ngx_errlog_module', 'ngx_event_core_module',
  'ngx_events_module', 'ngx_http_access_module', 'ngx_http_addition_filter_module',
  'ngx_http_auth_basic_module', 'ngx_http_auth_request_module', 'ngx_http_autoindex_module',
  'ngx_http_browser_module', 'ngx_http_charset_filter_module', 'ngx_http_chunked_filter_module',
  'ngx_http_copy_filter_module', 'ngx_http_core_module', 'ngx_http_dav_module', 'ngx_http_empty_gif_module',
  'ngx_http_fastcgi_module', 'ngx_http_flv_module', 'ngx_http_geo_module', 'ngx_http_grpc_module',
  'ngx_http_gunzip_filter_module', 'ngx_http_gzip_filter_module', 'ngx_http_gzip_static_module',
  'ngx_http_header_count_module', 'ngx_http_header_filter_module', 'ngx_http_headers_filter_module',
  'ngx_http_index_module', 'ngx_http_limit_conn_module', 'ngx_http_limit_req_module', 'ngx_http_log_module',
  'ngx_http_map_module', 'ngx_http_memcached_module', 'ngx_http_mirror_module', 'ngx_http_module',
  'ngx_http_mp4_module', 'ngx_http_not_modified_filter_module', 'ngx_http_postpone_filter_module',
  'ngx_http_proxy_module', 'ngx_http_random_index_module', 'ngx_http_range_body_filter_module',
  'ngx_http_range_header_filter_module', 'ngx_http_realip_module', 'ngx_http_referer_module',
  'ngx_http_rewrite_module', 'ngx_http_scgi_module', 'ngx_http_secure_link_module',
  'ngx_http_slice_filter_module', 'ngx_http_split_clients_module', 'ngx_http_ssi_filter_module',
  'ngx_http_ssl_module', 'ngx_http_static_module', 'ngx_http_stub_status_module',
  'ngx_http_sub_filter_module', 'ngx_http_try_files_module', 'ngx_http_upstream_hash_module',
  'ngx_http_upstream_ip_hash_module', 'ngx_http_upstream_keepalive_module',
  'ngx_http_upstream_least_conn_module', 'ngx_http_upstream_module', 'ngx_http_upstream_random_module',
  'ngx_http_upstream_zone_module', 'ngx_http_userid_filter_module', 'ngx_http_uwsgi_module',
  'ngx_http_v2_filter_module', 'ngx_http_v2_module', 'ngx_http_write_filter_module',
  'ngx_mail_auth_http_module', 'ngx_mail_core_module', 'ngx_mail_imap_module', 'ngx_mail_module',
  'ngx_mail_pop3_module', 'ngx_mail_proxy_module', 'ngx_mail_realip_module', 'ngx_mail_smtp_module',
  'ngx_mail_ssl_module', 'ngx_openssl_module', 'ngx_regex_module', 'ngx_stream_access_module',
  'ngx_stream_core_module', 'ngx_stream_geo_module', 'ngx_stream_limit_conn_module', 'ngx_stream_log_module',
  'ngx_stream_map_module', 'ngx_stream_module', 'ngx_stream_proxy_module', 'ngx_stream_realip_module',
  'ngx_stream_return_module', 'ngx_stream_set_module', 'ngx_stream_split_clients_module',
  'ngx_stream_ssl_module', 'ngx_stream_ssl_preread_module', 'ngx_stream_upstream_hash_module',
  'ngx_stream_upstream_least_conn_module', 'ngx_stream_upstream_module', 'ngx_stream_upstream_random_module',
  'ngx_stream_upstream_zone_module', 'ngx_stream_write_filter_module', 'ngx_thread_pool_module',
];

/** Event modules of other platforms: a Linux build never has them. */
export const NON_LINUX_MODULES: readonly string[] = [
  'ngx_kqueue_module', 'ngx_devpoll_module', 'ngx_eventport_module', 'ngx_iocp_module',
  'ngx_win32_select_module', 'ngx_win32_poll_module',
];

/**
 * Preprocessor conditions around single directives and variables in the tables, and whether
 * each build defines them. Both builds have SSL, caches, gzip, upstream zones, openat() and
 * TCP_INFO (Linux), and X-Forwarded-For parsing (realip and geo need it).
 */
export const BUILD_DEFINES: Record<BuildId, Record<string, boolean>> = {
  'debian-bookworm': {
    NGX_HAVE_OPENAT: true,
    NGX_HTTP_GZIP: true,
    NGX_HTTP_CACHE: true,
    NGX_HTTP_SSL: true,
    NGX_HTTP_UPSTREAM_ZONE: true,
    NGX_HTTP_X_FORWARDED_FOR: true,
    NGX_HAVE_TCP_INFO: true,
    NGX_STREAM_SSL: true,
    NGX_STREAM_UPSTREAM_ZONE: true,
  },
  full: {
    NGX_HAVE_OPENAT: true,
    NGX_HTTP_GZIP: true,
    NGX_HTTP_CACHE: true,
    NGX_HTTP_SSL: true,
    NGX_HTTP_UPSTREAM_ZONE: true,
    NGX_HTTP_X_FORWARDED_FOR: true,
    NGX_HAVE_TCP_INFO: true,
    NGX_STREAM_SSL: true,
    NGX_STREAM_UPSTREAM_ZONE: true,
  },
};

/**
 * Directives Debian patched into its 1.22.1 build, absent from nginx's 1.22.1 sources.
 * `max_headers` was backported from nginx 1.29.8 (deb12u8) into a separate
 * `ngx_http_header_count_module`; contexts and argument count verified with the oracle
 * (`http` and `server` only, one number).
 */
export const DEBIAN_BOOKWORM_EXTRA_DIRECTIVES = [
  {
    name: 'max_headers',
    module: 'ngx_http_header_count_module',
    family: 'http',
    contexts: ['http', 'http:server'],
    arity: { kind: 'counts', counts: [1] },
    block: false,
  },
] as const;
