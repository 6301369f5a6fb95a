/**
 * The editor-facing declarations of extension/package.json and language-configuration.json,
 * exercised the way VS Code uses them: which files open as nginx, which text is a word, where
 * indentation goes. (The packaged result is checked by vsix.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(extensionDir, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const language = manifest.contributes.languages[0];
const languageConfiguration = JSON.parse(fs.readFileSync(path.join(extensionDir, language.configuration), 'utf8'));

/** Whether VS Code would open this path as nginx (file name, extension or path pattern). */
function opensAsNginx(file: string): boolean {
  const base = path.posix.basename(file);
  return (
    language.filenames.includes(base) ||
    language.extensions.some((ext: string) => base.endsWith(ext)) ||
    language.filenamePatterns.some((pattern: string) => path.posix.matchesGlob(file, pattern))
  );
}

describe('file associations', () => {
  test.each([
    '/etc/nginx/nginx.conf',
    '/srv/app/deploy/nginx.conf',
    '/opt/proxy/mail.conf',
    '/etc/nginx/conf.d/mail.conf',
    '/etc/nginx/mail/imap.conf',
    '/etc/nginx/sites-available/default',
    '/etc/nginx/sites-enabled/mail.example.com',
    '/etc/nginx/templates/default.conf.template',
    '/home/me/project/proxy.nginx',
  ])('%s opens as nginx', (file) => {
    expect(opensAsNginx(file)).toBe(true);
  });

  test.each([
    '/etc/apache2/sites-enabled/000-default.conf',
    '/etc/apache2/sites-available/default',
    '/etc/dovecot/conf.d/10-mail.conf',
    '/etc/resolv.conf',
  ])('%s does not', (file) => {
    expect(opensAsNginx(file)).toBe(false);
  });
});

describe('language configuration', () => {
  const word = new RegExp(languageConfiguration.wordPattern, 'g');
  const wordsOf = (text: string) => text.match(word) ?? [];

  test('words keep `$`, `${…}`, `-` and `.`, and stop at `=`, `:`, `;` and whitespace', () => {
    expect(wordsOf('proxy_pass $remote_addr;')).toEqual(['proxy_pass', '$remote_addr']);
    expect(wordsOf('server_name mail.example.com smtp-in;')).toEqual(['server_name', 'mail.example.com', 'smtp-in']);
    expect(wordsOf('set ${host}x;')).toEqual(['set', '${host}', 'x']);
    expect(wordsOf('listen 127.0.0.1:993 so_keepalive=30m;')).toEqual(['listen', '127.0.0.1', '993', 'so_keepalive', '30m']);
  });

  const increase = new RegExp(languageConfiguration.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(languageConfiguration.indentationRules.decreaseIndentPattern);

  test.each(['mail {', '    server {   ', 'server { # imap', 'location ~ "^/a{2}" {', 'if ($a = b) {', 'map ${x} $y {', 'server_name a#b {', 'x a}b {'])(
    'indents after %j',
    (line) => {
      expect(increase.test(line)).toBe(true);
    },
  );

  test.each(['listen 143;', '# mail {', 'server_name x; # {', 'server { listen 143; }', 'server_name "{"', 'a }#{'])('does not indent after %j', (line) => {
    expect(increase.test(line)).toBe(false);
  });

  test('outdents a closing brace', () => {
    expect(decrease.test('    }')).toBe(true);
    expect(decrease.test('    listen 143;')).toBe(false);
  });

  test('`#` comments, `{}` brackets, quotes and braces auto-close', () => {
    expect(languageConfiguration.comments.lineComment).toBe('#');
    expect(languageConfiguration.brackets).toEqual([['{', '}']]);
    expect(languageConfiguration.autoClosingPairs.map((p: { open: string }) => p.open).sort()).toEqual(['"', "'", '{']);
  });
});

describe('grammar contribution', () => {
  test('names the scope of grammars/nginx.tmLanguage.json (the build copies it to the contributed path)', () => {
    const grammar = JSON.parse(fs.readFileSync(path.join(repoRoot, 'grammars/nginx.tmLanguage.json'), 'utf8'));
    const [contribution] = manifest.contributes.grammars;
    expect(contribution.scopeName).toBe(grammar.scopeName);
    expect(contribution.language).toBe(language.id);
    expect(contribution.path).toBe('./syntaxes/nginx.tmLanguage.json');
  });

  test('every scope declared unbalanced exists in the grammar', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'grammars/nginx.tmLanguage.json'), 'utf8');
    for (const scope of manifest.contributes.grammars[0].unbalancedBracketScopes) expect(text).toContain(`"${scope}"`);
  });
});
