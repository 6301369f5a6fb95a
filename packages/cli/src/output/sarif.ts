/**
 * SARIF 2.1.0 for code scanning: the rules in tool.driver.rules (with their docs as help),
 * one result per problem with a region of start/end line and column.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_IDS, rules, type Diagnostic } from '@mailconf/checker';
import { VERSION } from '../version.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function sarif(diagnostics: readonly Diagnostic[]): string {
  const ruleList = [
    ...rules.map((r) => ({ id: r.meta.id, description: r.meta.description, docs: r.meta.docs, level: r.meta.severity })),
    { id: 'syntax', description: 'A syntax error nginx reports while reading the file', docs: 'nginx cannot read the file past this point.', level: 'error' as const },
    { id: 'include-not-found', description: 'An include that names no file', docs: 'A plain include path must exist; a glob may match nothing.', level: 'error' as const },
    { id: 'include-cycle', description: 'Files that include each other', docs: 'nginx would recurse until it runs out of file descriptors.', level: 'error' as const },
  ];
  void BUILTIN_IDS;
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const cwd = process.cwd();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mailconf',
            version: VERSION,
            informationUri: 'https://nginx.org/en/docs/mail/ngx_mail_core_module.html',
            rules: ruleList.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: r.docs, markdown: r.docs },
              defaultConfiguration: { level: LEVEL[r.level] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).href } },
        // Columns count UTF-16 code units (an emoji is two), as the editors' do.
        columnKind: 'utf16CodeUnits',
        results: diagnostics.map((d) => {
          const rel = d.file === '-' ? 'stdin' : path.relative(cwd, d.file);
          const inside = d.file !== '-' && !rel.startsWith('..') && !path.isAbsolute(rel);
          return {
            ruleId: d.ruleId,
            ruleIndex: index.get(d.ruleId) ?? -1,
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: inside ? { uri: relativeUri(rel), uriBaseId: 'SRCROOT' } : { uri: d.file === '-' ? 'stdin' : pathToFileURL(d.file).href },
                  region: {
                    startLine: d.range.start.line,
                    startColumn: d.range.start.column,
                    endLine: d.range.end.line,
                    endColumn: d.range.end.column,
                  },
                },
              },
            ],
          };
        }),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * A relative path as a URI reference (RFC 3986): each segment percent-encoded, so that `#`, `?`,
 * `%`, spaces and non-ASCII names read back as the same file.
 */
function relativeUri(rel: string): string {
  return rel
    .split(path.sep)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
