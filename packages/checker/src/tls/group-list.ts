/**
 * What SSL_CTX_set1_curves_list refuses of an `ssl_ecdh_curve` list (nginx hands OpenSSL
 * every value but `auto`), with the text OpenSSL 3.0 puts in nginx's message. OpenSSL reads
 * the `:`-separated names in order and stops at the first it cannot set.
 *
 * Providers may add groups of any name, and OpenSSL 3.5 reads a richer syntax (`/` between
 * tuples, `*`, `-` and `?` before names, `DEFAULT`), so only what no OpenSSL 3 setup takes is
 * judged: `auto` anywhere but alone, names holding a space, `,` or `;` (the separator is
 * `:`), and near misses of a standard name (`P256`, `secp384`, `prime256`). Where a name
 * before those might fail first (an unknown one, a case variant, a repeat, a group some builds
 * lack), nothing is said. The message is 3.0's to 3.2's: from 3.3 OpenSSL adds no error text,
 * and nginx prints `SSL_CTX_set1_curves_list("...") failed` alone.
 */
import { distance } from '../suggest.js';

/** The TLS groups of OpenSSL 3.0 to 3.5's default provider, each with its other names. */
const GROUPS: readonly (readonly string[])[] = [
  ...['sect163k1:K-163', 'sect163r1', 'sect163r2:B-163', 'sect193r1', 'sect193r2', 'sect233k1:K-233', 'sect233r1:B-233', 'sect239k1', 'sect283k1:K-283', 'sect283r1:B-283'],
  ...['sect409k1:K-409', 'sect409r1:B-409', 'sect571k1:K-571', 'sect571r1:B-571', 'secp160k1', 'secp160r1', 'secp160r2', 'secp192k1', 'secp192r1:prime192v1:P-192'],
  ...['secp224k1', 'secp224r1:P-224', 'secp256k1', 'secp256r1:prime256v1:P-256', 'secp384r1:P-384', 'secp521r1:P-521', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1'],
  ...['brainpoolP256r1tls13', 'brainpoolP384r1tls13', 'brainpoolP512r1tls13', 'x25519:X25519', 'x448:X448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'],
  ...['MLKEM512', 'MLKEM768', 'MLKEM1024', 'X25519MLKEM768', 'X448MLKEM1024', 'SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'curveSM2', 'curveSM2MLKEM768'],
].map((g) => g.split(':'));

const GROUP_OF = new Map<string, number>(GROUPS.flatMap((names, id) => names.map((n) => [n, id] as [string, number])));
/**
 * The groups every OpenSSL 3 build can set: not the binary curves (no-ec2m builds), secp256k1 and
 * the brainpool curves (not in the FIPS provider), the TLS 1.3 brainpool groups (3.2), ML-KEM
 * (3.5) or SM2. OpenSSL stops at the first group it cannot set,
 * so past any other name the first failure is not certain.
 */
const EVERYWHERE = new Set([
  'secp256r1',
  'prime256v1',
  'P-256',
  'secp384r1',
  'P-384',
  'secp521r1',
  'P-521',
  'x25519',
  'X25519',
  'x448',
  'X448',
  'ffdhe2048',
  'ffdhe3072',
  'ffdhe4096',
  'ffdhe6144',
  'ffdhe8192',
]);
/** Names a provider may register (oqs-provider's x25519_mlkem768, p256_kyber768, ...). */
const PROVIDER_LIKE = /_|mlkem|kyber|frodo|bike|hqc/i;
const LOWER = new Set([...GROUP_OF.keys()].map((n) => n.toLowerCase()));

export interface GroupListProblem {
  /** The name OpenSSL cannot set. */
  group: string;
  hint: string;
}

/** The name OpenSSL 3 refuses in a group list, or null when none is certain. */
export function groupListProblem(list: string): GroupListProblem | null {
  if (list === 'auto') return null;
  const seen = new Set<number>();
  for (const raw of list.split(':')) {
    // CONF_parse_list drops the ASCII white space around each name (isspace, not Unicode's).
    const name = raw.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
    // OpenSSL copies a name into 64 bytes: a longer one fails with another message.
    if (Buffer.byteLength(name) > 63) return null;
    const id = GROUP_OF.get(name);
    if (id !== undefined) {
      if (!EVERYWHERE.has(name)) return null;
      // A group named twice fails (in 3.0) with no error text: not judged.
      if (seen.has(id)) return null;
      seen.add(id);
      continue;
    }
    if (name.toLowerCase() === 'auto') return { group: name, hint: '"auto" (OpenSSL\'s own list) is nginx\'s word, alone and in lower case' };
    if (name === '' || /^[?*-]/.test(name) || name.includes('/') || name === 'DEFAULT') return null;
    if (/[ ,;]/.test(name)) return { group: name, hint: 'the names are separated by ":", as in "X25519:secp384r1"' };
    if (LOWER.has(name.toLowerCase()) || PROVIDER_LIKE.test(name)) return null;
    const near = nearest(name);
    return near ? { group: name, hint: `did you mean "${near}"?` } : null;
  }
  return null;
}

/** A standard name at most two edits from `name` (letters compared without case). */
function nearest(name: string): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of GROUP_OF.keys()) {
    if (Math.abs(candidate.length - lower.length) >= bestDistance) continue;
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
