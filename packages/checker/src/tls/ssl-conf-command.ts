/**
 * What OpenSSL's SSL_CONF_cmd refuses of an `ssl_conf_command NAME VALUE`, as nginx sets it up
 * (file-style names, for a server and a client, certificates allowed), with the error text
 * OpenSSL 3.0 puts in nginx's message. Only what every OpenSSL 3 release refuses is judged:
 * command names none of them knows, protocol and option words none of them has, cipher-suite
 * lists with no name that can be a standard one. Group names, cipher strings and file names depend on
 * the build and its providers and are left to nginx.
 */

/** The file-style command names, OpenSSL 3.0 to 3.5 (looked up without regard to case). */
const COMMANDS = [
  'SignatureAlgorithms', 'ClientSignatureAlgorithms', 'Curves', 'Groups', 'ECDHParameters', 'CipherString', 'Ciphersuites', 'Protocol', 'MinProtocol', 'MaxProtocol',
  'Options', 'VerifyMode', 'CertValidation', 'SetValidFlags', 'SetValidHost', 'AddValidHost', 'SetValidIP', 'AddCAPath', 'AddCAFile', 'Certificate', 'PrivateKey',
  'ServerInfoFile', 'ChainCAPath', 'ChainCAFile', 'ChainCAStore', 'VerifyCAPath', 'VerifyCAFile', 'VerifyCAStore', 'RequestCAFile', 'ClientCAFile', 'RequestCAPath',
  'ClientCAPath', 'RequestCAStore', 'ClientCAStore', 'DHParameters', 'RecordPadding', 'NumTickets',
];
const COMMAND_NAMES = new Set(COMMANDS.map((c) => c.toLowerCase()));

/** MinProtocol and MaxProtocol: exact words (protocol_from_string). */
const VERSIONS = new Set(['None', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'DTLSv1', 'DTLSv1.2']);

/** The words of `Protocol` and `Options` lists, `+`/`-` before each allowed (any case). */
const PROTOCOL_WORDS = new Set(['all', 'sslv2', 'sslv3', 'tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'dtlsv1', 'dtlsv1.2']);
const OPTION_WORDS = new Set(
  [
    'SessionTicket', 'EmptyFragments', 'Bugs', 'Compression', 'ServerPreference', 'NoResumptionOnRenegotiation', 'DHSingle', 'ECDHSingle', 'UnsafeLegacyRenegotiation',
    'UnsafeLegacyServerConnect', 'ClientRenegotiation', 'EncryptThenMac', 'NoRenegotiation', 'AllowNoDHEKEX', 'PreferNoDHEKEX', 'PrioritizeChaCha', 'MiddleboxCompat', 'AntiReplay',
    'ExtendedMasterSecret', 'CANames', 'KTLS', 'StrictCertCheck', 'TxCertificateCompression', 'RxCertificateCompression', 'KTLSTxZerocopySendfile', 'IgnoreUnexpectedEOF',
    'LegacyECPointFormats',
  ].map((w) => w.toLowerCase()),
);

const UNKNOWN_CMD = 'error:0A000182:SSL routines::unknown cmd name';
const BAD_VALUE = 'error:0A000180:SSL routines::bad value';
const NO_CIPHER_MATCH = 'error:0A0000B9:SSL routines::no cipher match';

/** nginx's message for a command OpenSSL refuses, or null when it is not sure to. */
export function sslConfCommandError(name: string, value: string): string | null {
  const reason = refusal(name, value);
  return reason === null ? null : `SSL_CONF_cmd("${name}", "${value}") failed (SSL: ${reason})`;
}

function refusal(name: string, value: string): string | null {
  if (!COMMAND_NAMES.has(name.toLowerCase())) return `${UNKNOWN_CMD}:cmd=${name}`;
  const bad = `${BAD_VALUE}:cmd=${name}, value=${value}`;
  switch (name.toLowerCase()) {
    case 'minprotocol':
    case 'maxprotocol':
      return VERSIONS.has(value) ? null : bad;
    case 'protocol':
      return listWords(value, ',').every((w) => w !== null && PROTOCOL_WORDS.has(w)) ? null : bad;
    case 'options':
      return listWords(value, ',').every((w) => w !== null && OPTION_WORDS.has(w)) ? null : bad;
    case 'ciphersuites':
      // OpenSSL skips the names it does not know and fails when none is left (an empty list is
      // allowed). Every standard suite name (TLS 1.3's, and the older ones it also looks up)
      // starts with "TLS_": a list with none such is sure to fail.
      if (value === '') return null;
      return listItems(value, ':').some((w) => w !== null && w.startsWith('TLS_')) ? null : `${NO_CIPHER_MATCH} ${bad}`;
    default:
      return null;
  }
}

/**
 * CONF_parse_list with spaces trimmed: the items between separators, null for an empty one
 * (which the list readers refuse).
 */
function listItems(value: string, sep: string): (string | null)[] {
  return value.split(sep).map((item) => {
    const t = item.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
    return t === '' ? null : t;
  });
}

/** A `Protocol` or `Options` list: each item without its `+`/`-`, lower-cased. */
function listWords(value: string, sep: string): (string | null)[] {
  return listItems(value, sep).map((w) => (w === null ? null : w.replace(/^[+-]/, '').toLowerCase()));
}
