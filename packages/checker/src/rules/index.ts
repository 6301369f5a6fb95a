/**
 * Every rule, in the order nginx applies its checks to one statement: name, context,
 * terminator, argument count (the statement rules), then the directive's own handler (the
 * value rules), then the post-parse checks and our own lints.
 */
import type { Rule } from '../rule.js';
import unknownDirective from './unknown-directive.js';
import directiveNotAllowed from './directive-not-allowed.js';
import directiveTerminator from './directive-terminator.js';
import argumentCount from './argument-count.js';
import duplicateDirective from './duplicate-directive.js';
import invalidValue from './invalid-value.js';
import deprecatedDirective from './deprecated-directive.js';
import listenSyntax from './listen.js';
import duplicateListen from './duplicate-listen.js';
import unknownProtocol from './protocol.js';
import resolverSyntax from './resolver.js';
import authHttpUrl from './auth-http-url.js';
import setRealIpFrom from './set-real-ip-from.js';
import sharedMemoryZone from './shared-memory-zone.js';
import httpValues from './http-values.js';
import accessLog from './access-log.js';
import proxyPass from './proxy-pass.js';
import upstreams from './upstreams.js';
import httpSslKeys from './http-ssl-keys.js';
import httpListen from './http-listen.js';
import upstreamBuffers from './upstream-buffers.js';
import locations from './locations.js';
import regexSyntax from './regex-syntax.js';
import validReferers from './valid-referers.js';
import variables from './variables.js';
import sslSessionCache from './ssl-session-cache.js';
import errorLog from './error-log.js';
import sslDirective from './ssl-directive.js';
import sslStarttlsConflict from './ssl-starttls-conflict.js';
import loadModule from './load-module.js';
import mainValues from './main-values.js';
import serverWithoutListen from './server-without-listen.js';
import unknownMailProtocol from './unknown-mail-protocol.js';
import sslCertificateRequired from './ssl-certificate-required.js';
import sslCiphers from './ssl-ciphers.js';
import sslConfCommand from './ssl-conf-command.js';
import sslEcdhCurve from './ssl-ecdh-curve.js';
import streamSslKeys from './stream-ssl-keys.js';
import mapKeys from './map-keys.js';
import missingFile from './missing-file.js';
import authHttpRequired from './auth-http-required.js';
import missingEvents from './missing-events.js';
import workerConnections from './worker-connections.js';
import workerConnectionsOpenFiles from './worker-connections-open-files.js';
import listenIpv4Mapped from './listen-ipv4-mapped.js';
import listenBind from './listen-bind.js';
import upstreamTls from './upstream-tls.js';
import streamServerHandler from './stream-server-handler.js';
import plaintextAuth from './plaintext-auth-without-tls.js';
import openRelayRisk from './open-relay-risk.js';
import weakSslProtocols from './weak-ssl-protocols.js';
import ipv6onlyNoEffect from './ipv6only-no-effect.js';
import portProtocolMismatch from './port-protocol-mismatch.js';
import resolverWithoutValid from './resolver-without-valid.js';
import capabilitySetByNginx from './capability-set-by-nginx.js';
import tlsPortMismatch from './tls-port-mismatch.js';
import proxyTimeoutBelowRfc from './proxy-timeout-below-rfc.js';
import setRealIpFromNoEffect from './set-real-ip-from-no-effect.js';
import proxyProtocolWithoutRealIp from './proxy-protocol-without-real-ip.js';
import authHttpPassClientCertNoEffect from './auth-http-pass-client-cert-no-effect.js';
import smtpServerNameUnset from './smtp-server-name-unset.js';
import weakSslCiphers from './weak-ssl-ciphers.js';
import smtpClientNameUnavailable from './smtp-client-name-unavailable.js';
import listenWithoutPort from './listen-without-port.js';
import nulByte from './nul-byte.js';
import listenParameters from './listen-parameters.js';
import redundantDefault from './redundant-default.js';
import unusedProtocolDirective from './unused-protocol-directive.js';

export const rules: readonly Rule[] = [
  unknownDirective,
  directiveNotAllowed,
  directiveTerminator,
  argumentCount,
  duplicateDirective,
  invalidValue,
  deprecatedDirective,
  listenSyntax,
  duplicateListen,
  listenParameters,
  unknownProtocol,
  resolverSyntax,
  authHttpUrl,
  setRealIpFrom,
  sslSessionCache,
  sharedMemoryZone,
  httpValues,
  accessLog,
  proxyPass,
  upstreams,
  validReferers,
  httpSslKeys,
  httpListen,
  upstreamBuffers,
  locations,
  regexSyntax,
  mapKeys,
  variables,
  errorLog,
  sslDirective,
  sslStarttlsConflict,
  loadModule,
  mainValues,
  serverWithoutListen,
  unknownMailProtocol,
  sslCertificateRequired,
  sslCiphers,
  sslConfCommand,
  sslEcdhCurve,
  streamSslKeys,
  missingFile,
  authHttpRequired,
  missingEvents,
  workerConnections,
  listenIpv4Mapped,
  listenBind,
  upstreamTls,
  streamServerHandler,
  plaintextAuth,
  openRelayRisk,
  weakSslProtocols,
  ipv6onlyNoEffect,
  portProtocolMismatch,
  resolverWithoutValid,
  listenWithoutPort,
  nulByte,
  redundantDefault,
  unusedProtocolDirective,
  capabilitySetByNginx,
  tlsPortMismatch,
  proxyTimeoutBelowRfc,
  setRealIpFromNoEffect,
  weakSslCiphers,
  smtpClientNameUnavailable,
  proxyProtocolWithoutRealIp,
  authHttpPassClientCertNoEffect,
  smtpServerNameUnset,
  workerConnectionsOpenFiles,
];

/** Ids that are not rules of this list but can appear on diagnostics (syntax and include problems). */
export const BUILTIN_IDS = ['syntax', 'include-not-found', 'include-cycle'] as const;
