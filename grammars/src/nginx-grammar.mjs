/**
 * The TextMate grammar for nginx configuration files, as a JavaScript object.
 *
 * This is the source; grammars/nginx.tmLanguage.json is generated from it by
 * grammars/scripts/build-grammar.mjs (a test checks the two agree). Regexes are written with
 * String.raw and shared fragments so that the reading rules live in one place.
 *
 * It reads as nginx's tokenizer does (ngx_conf_read_token, mirrored by
 * packages/syntax/src/lexer.ts), not as the usual "word characters" guesses:
 *   - whitespace is exactly SP, TAB, CR, LF;
 *   - an unquoted word ends only at whitespace, `;` or `{` — `#`, `}`, quotes and parentheses
 *     inside a word are literal (`a#b`, `a}b`, `a"b"` are single words);
 *   - `#` starts a comment only where a word could start;
 *   - a `{` right after `$` stays in the word (`${name}`);
 *   - a backslash protects the next character, even a line break;
 *   - quoted words may span lines; after the closing quote only whitespace, `;`, `{` or `)`
 *     may follow (anything else is nginx's `unexpected "x"`, marked invalid here).
 *
 * The trick that makes the exact rules possible in TextMate: every unquoted word is a
 * begin/end region that starts at a word start and ends only at a real terminator, so no
 * pattern ever gets a chance to start in the middle of a word.
 */

/**
 * Lookahead: the current unquoted word ends here. TextMate engines match each line with its
 * line break, so `\n` is always there to see at the end of a line. There is deliberately no
 * `$` alternative: after a backslash has consumed the line break (`a\` + LF) the scan stands at
 * the very end of the string, where `$` would wrongly end the word that nginx continues.
 */
const TERM = String.raw`(?=[ \t\r\n;{])`;
/** A character that may start an unquoted word (everything else has a meaning of its own). */
const WORD_START = String.raw`[^ \t\r\n;{}#"']`;
/**
 * Lookahead used for block directive names: the rest of the line has no `;` before a `{`
 * (quoted strings skipped). `server` in an http `upstream` (`server 10.0.0.1:8080;`) is a simple
 * directive; `server {` and `server` alone on a line (brace on the next line) open a block.
 */
const NO_SEMICOLON_AHEAD = String.raw`(?!(?:[^;{#"'\n]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')*;)`;
/** A time, size or plain number: `60`, `60s`, `1h30m`, `500ms`, `4k`, `1m`, `1g`. */
const NUMBER = String.raw`(?:\d+(?:ms|[yMwdhmskKgG])?)+`;
const UNIT = String.raw`ms|[yMwdhmskKgG]`;

/** Directives that take a block; they are scoped storage.type when they open one. */
const BLOCK_DIRECTIVES = [
  'events',
  'http',
  'mail',
  'stream',
  'server',
  'upstream',
  'map',
  'types',
  'geo',
  'split_clients',
  'limit_except',
  'charset_map',
  'match',
];

/** `listen` parameters that stand alone (mail, http and stream listen share the grammar). */
const LISTEN_FLAGS = [
  'ssl',
  'proxy_protocol',
  'bind',
  'multipath',
  'default_server',
  'default',
  'http2',
  'quic',
  'spdy',
  'reuseport',
  'deferred',
];
/** `listen` parameters of the form `name=value`. */
const LISTEN_KEYS = ['so_keepalive', 'backlog', 'rcvbuf', 'sndbuf', 'ipv6only', 'accept_filter', 'fastopen', 'setfib'];

/** Mail SASL mechanisms accepted by imap_auth, pop3_auth and smtp_auth (case-insensitive). */
const AUTH_METHODS = ['plain', 'login', 'cram-md5', 'external', 'apop', 'none'];

const alt = (words) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');

/** The end of any statement: `;`, or (left in place for the enclosing rule) `{` or `}`. */
const statementEnd = {
  end: String.raw`(;)|(?=[{}])`,
  endCaptures: { 1: { name: 'punctuation.terminator.statement.nginx' } },
  // Lets the after-quote rule claim a `}` written right after a closing quote (`"a"}`), which
  // nginx rejects. No other argument pattern can match at `;`, `{` or `}`.
  applyEndPatternLast: true,
};

/** A statement whose name is one of `names`, with argument patterns `extra` tried first. */
function namedStatement(names, nameScope, extra = [], lookahead = '') {
  return {
    name: 'meta.statement.nginx',
    begin: String.raw`(${alt(names)})${TERM}${lookahead}`,
    beginCaptures: { 1: { name: nameScope } },
    ...statementEnd,
    patterns: [{ include: '#after-quote' }, ...extra, { include: '#arguments' }],
  };
}

/** A statement whose name is written in quotes (on one line). */
function quotedNameStatement(quote, kind) {
  return {
    name: 'meta.statement.nginx',
    begin: String.raw`(${quote})((?:[^${quote}\\]|\\.)*)(${quote})`,
    beginCaptures: {
      0: { name: `string.quoted.${kind}.nginx` },
      1: { name: 'punctuation.definition.string.begin.nginx' },
      2: { name: 'keyword.other.directive.nginx' },
      3: { name: 'punctuation.definition.string.end.nginx' },
    },
    ...statementEnd,
    patterns: [{ include: '#arguments' }],
  };
}

export const grammar = {
  information_for_contributors: [
    'Generated from grammars/src/nginx-grammar.mjs by grammars/scripts/build-grammar.mjs.',
    'Edit the source and run `node grammars/scripts/build-grammar.mjs`.',
  ],
  name: 'nginx',
  scopeName: 'source.nginx',
  fileTypes: ['conf', 'nginx'],
  patterns: [{ include: '#statements' }, { include: '#stray-brace' }],
  repository: {
    statements: {
      patterns: [
        { include: '#comment' },
        { include: '#block' },
        { include: '#stray-semicolon' },
        { include: '#statement-quoted-name' },
        { include: '#statement-listen' },
        { include: '#statement-protocol' },
        { include: '#statement-mail-auth' },
        { include: '#statement-starttls' },
        { include: '#statement-location' },
        { include: '#statement-if' },
        { include: '#statement-block' },
        { include: '#statement' },
        { include: '#statement-other' },
      ],
    },

    comment: {
      // Only reached where a word could start: inside a word the word region owns the `#`.
      name: 'comment.line.number-sign.nginx',
      match: String.raw`(#).*$`,
      captures: { 1: { name: 'punctuation.definition.comment.nginx' } },
    },

    block: {
      name: 'meta.block.nginx',
      begin: String.raw`\{`,
      beginCaptures: { 0: { name: 'punctuation.section.block.begin.nginx' } },
      end: String.raw`\}`,
      endCaptures: { 0: { name: 'punctuation.section.block.end.nginx' } },
      patterns: [{ include: '#statements' }],
    },

    'stray-semicolon': {
      // `;;`, `mail { }` followed by `;`: nginx says `unexpected ";"`.
      name: 'invalid.illegal.stray-semicolon.nginx',
      match: ';',
    },

    'stray-brace': {
      // A `}` at the top level of a file closes nothing: `unexpected "}"`.
      name: 'invalid.illegal.stray-brace.nginx',
      match: String.raw`\}`,
    },

    // `"events" {}` and `'worker_processes' 1;` are valid: the name itself may be quoted.
    'statement-quoted-name': {
      patterns: [quotedNameStatement('"', 'double'), quotedNameStatement("'", 'single')],
    },

    'statement-listen': namedStatement(['listen'], 'keyword.other.directive.nginx', [
      { include: '#listen-parameter' },
    ]),

    'statement-protocol': namedStatement(['protocol'], 'keyword.other.directive.nginx', [
      {
        // Case-sensitive: `protocol IMAP` is `unknown protocol "IMAP"`.
        name: 'support.constant.protocol.nginx',
        match: String.raw`(?:imap|pop3|smtp)${TERM}`,
      },
    ]),

    'statement-mail-auth': namedStatement(['imap_auth', 'pop3_auth', 'smtp_auth'], 'keyword.other.directive.nginx', [
      { name: 'support.constant.auth-method.nginx', match: String.raw`(?i:${alt(AUTH_METHODS)})${TERM}` },
    ]),

    'statement-starttls': namedStatement(['starttls'], 'keyword.other.directive.nginx', [
      { name: 'constant.language.nginx', match: String.raw`(?i:only)${TERM}` },
    ]),

    'statement-location': namedStatement(['location'], 'storage.type.directive.block.nginx', [
      { name: 'keyword.operator.location-modifier.nginx', match: String.raw`(?:=|~\*?|\^~)${TERM}` },
    ]),

    'statement-if': namedStatement(['if'], 'storage.type.directive.block.nginx', [
      { name: 'keyword.operator.nginx', match: String.raw`(?:!?~\*?|!?=|!?-[fdex])${TERM}` },
    ]),

    'statement-block': namedStatement(BLOCK_DIRECTIVES, 'storage.type.directive.block.nginx', [], NO_SEMICOLON_AHEAD),

    statement: {
      // nginx directive names are identifiers; a first word of any other shape (a `types`
      // entry such as `text/html`, a `map` key) falls through to statement-other.
      name: 'meta.statement.nginx',
      begin: String.raw`([A-Za-z_][A-Za-z0-9_]*)${TERM}`,
      beginCaptures: { 1: { name: 'keyword.other.directive.nginx' } },
      ...statementEnd,
      patterns: [{ include: '#arguments' }],
    },

    'statement-other': {
      // Any other first word: a `map` or `geo` key, a name with `$` or escapes, an
      // unterminated quote. Its words are read as arguments.
      name: 'meta.statement.nginx',
      begin: String.raw`(?=[^ \t\r\n;{}#])`,
      ...statementEnd,
      patterns: [{ include: '#arguments' }],
    },

    arguments: {
      patterns: [
        // First: right after a closing quote even a quote or `#` is an error, not a new word.
        { include: '#after-quote' },
        { include: '#comment' },
        { include: '#string-double' },
        { include: '#string-single' },
        { include: '#number' },
        { include: '#boolean' },
        { include: '#word' },
      ],
    },

    'after-quote': {
      // Right after a closing quote nginx accepts only whitespace, `;`, `{` or `)`:
      // `"1"x`, `"1""2"`, `"a"#c`, `"a"}` are all `unexpected "…"`.
      name: 'invalid.illegal.after-quote.nginx',
      match: String.raw`(?<=["'])[^ \t\r\n;{)]+`,
    },

    number: {
      name: 'constant.numeric.nginx',
      begin: String.raw`(?=${NUMBER}${TERM})`,
      end: TERM,
      patterns: [{ name: 'keyword.other.unit.nginx', match: UNIT }],
    },

    boolean: {
      // Flags are case-insensitive in nginx: `ON`, `Off` are accepted.
      name: 'constant.language.boolean.nginx',
      match: String.raw`(?i:on|off)${TERM}`,
    },

    word: {
      name: 'meta.word.unquoted.nginx',
      begin: String.raw`(?=${WORD_START})`,
      end: TERM,
      patterns: [{ include: '#word-content' }],
    },

    'word-content': {
      patterns: [
        { include: '#escape' },
        { include: '#variable' },
        {
          // A `$` that is not a variable; the braces right after it still do not end the word.
          match: String.raw`\$(\{*)`,
          captures: { 1: { name: 'meta.literal-brace.nginx' } },
        },
        {
          // Inside a word `}` is an ordinary character (`server_name a}b;`).
          name: 'meta.literal-brace.nginx',
          match: String.raw`\}`,
        },
      ],
    },

    escape: {
      patterns: [
        {
          // Translated by nginx: \" \' \\ \t \r \n.
          name: 'constant.character.escape.nginx',
          match: String.raw`\\["'\\tnr]`,
        },
        {
          // Any other backslash pair keeps both characters, but still protects the second one
          // (`a\;b` and `a\{b` are single words; a backslash before a line break continues it).
          name: 'constant.character.escape.untranslated.nginx',
          match: String.raw`\\[\s\S]`,
        },
      ],
    },

    variable: {
      patterns: [
        {
          name: 'variable.other.nginx',
          match: String.raw`(\$\{)([A-Za-z0-9_]+)(\})`,
          captures: {
            1: { name: 'punctuation.definition.variable.begin.nginx' },
            3: { name: 'punctuation.definition.variable.end.nginx' },
          },
        },
        {
          name: 'variable.other.nginx',
          match: String.raw`(\$)[A-Za-z0-9_]+`,
          captures: { 1: { name: 'punctuation.definition.variable.nginx' } },
        },
      ],
    },

    'string-double': {
      name: 'string.quoted.double.nginx',
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.nginx' } },
      end: '"',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.nginx' } },
      patterns: [{ include: '#escape' }, { include: '#variable' }],
    },

    'string-single': {
      name: 'string.quoted.single.nginx',
      begin: "'",
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.nginx' } },
      end: "'",
      endCaptures: { 0: { name: 'punctuation.definition.string.end.nginx' } },
      patterns: [{ include: '#escape' }, { include: '#variable' }],
    },

    'listen-parameter': {
      patterns: [
        { name: 'entity.other.attribute-name.listen.nginx', match: String.raw`(?:${alt(LISTEN_FLAGS)})${TERM}` },
        {
          name: 'meta.parameter.listen.nginx',
          begin: String.raw`(${alt(LISTEN_KEYS)})(=)`,
          beginCaptures: {
            1: { name: 'entity.other.attribute-name.listen.nginx' },
            2: { name: 'punctuation.separator.key-value.nginx' },
          },
          end: TERM,
          patterns: [
            { name: 'constant.language.boolean.nginx', match: String.raw`(?<==)(?i:on|off)${TERM}` },
            // so_keepalive=30m::10 — idle:interval:count.
            { name: 'punctuation.separator.nginx', match: ':' },
            {
              name: 'constant.numeric.nginx',
              match: String.raw`\d+(${UNIT})?`,
              captures: { 1: { name: 'keyword.other.unit.nginx' } },
            },
            { include: '#word-content' },
          ],
        },
      ],
    },
  },
};
