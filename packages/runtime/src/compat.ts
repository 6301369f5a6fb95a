/**
 * Wire behaviour that changed between nginx versions (proxy-runtime.md §9). The runtime
 * behaves like the nginx version the model was checked against; each switch names the
 * release that changed it, so `--nginx-version` picks a coherent set.
 */
import { compareVersions } from '@mailconf/schema';

export interface Behaviour {
  version: string;
  /** PROXY protocol: how many bytes one peek reads (107 before 1.23.3, 4096 since). */
  proxyProtocolPeek: number;
  /** PROXY protocol: `broken header` logs everything peeked (before 1.23.2) or up to the first CR/LF. */
  brokenHeaderWhole: boolean;
  /** IMAP: after a literal, `{` starts another one and any other byte is swallowed (before 1.29.6). */
  looseAfterLiteral: boolean;
  /** IMAP: literal lengths that overflow are rejected (1.29.6). */
  literalOverflowCheck: boolean;
  /** Backend IMAP login: one untagged line before the tagged OK is skipped (1.27.3). */
  skipUntaggedLoginReply: boolean;
  /** SASL: login/password are assigned only after a successful decode (1.29.1). */
  saslAssignAfterDecode: boolean;
  /** SMTP `MAIL` under `smtp_auth none` forgets a failed AUTH's login and password (1.29.1). */
  authNoneForgetsCredentials: boolean;
  /** Log context shows `upstream:` even without a login (1.29.1). */
  upstreamWithoutLogin: boolean;
  /** XCLIENT `LOGIN=` is xtext-encoded (1.29.2). */
  xclientXtext: boolean;
  /** `Auth-Salt` only for apop/cram-md5, and the password is fully cleared after it (1.29.7). */
  saltOnlyForDigests: boolean;
}

const since = (version: string, release: string) => compareVersions(version, release) >= 0;

export function behaviourFor(version: string): Behaviour {
  return {
    version,
    proxyProtocolPeek: since(version, '1.23.3') ? 4096 : 107,
    brokenHeaderWhole: !since(version, '1.23.2'),
    looseAfterLiteral: !since(version, '1.29.6'),
    literalOverflowCheck: since(version, '1.29.6'),
    skipUntaggedLoginReply: since(version, '1.27.3'),
    saslAssignAfterDecode: since(version, '1.29.1'),
    authNoneForgetsCredentials: since(version, '1.29.1'),
    upstreamWithoutLogin: since(version, '1.29.1'),
    xclientXtext: since(version, '1.29.2'),
    saltOnlyForDigests: since(version, '1.29.7'),
  };
}
