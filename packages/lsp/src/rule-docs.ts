/**
 * Where a rule's documentation is, for `codeDescription.href` and the "open docs" action.
 *
 * A `file:` URI of docs/rules/<id>.md: the page of the mailconf checkout or package the
 * server runs from when it is there (found by walking up from the server's own file), else
 * the same page rendered from the rule's metadata (as docs/rules is generated) into a cache
 * directory. Every editor can open a file URI; no command has to be registered for it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRuleDoc, rules, type Rule } from '@mailconf/checker';
import { pathToUri } from './uri.js';

const byId = new Map<string, Rule>(rules.map((r) => [r.meta.id, r] as const));

export function ruleMeta(id: string): Rule['meta'] | undefined {
  return byId.get(id)?.meta;
}

let docsDir: string | null | undefined;

/** docs/rules of the installation, when it ships one. */
function installedDocsDir(): string | null {
  if (docsDir !== undefined) return docsDir;
  docsDir = null;
  const starts: string[] = [];
  try {
    starts.push(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    /* not a file URL (bundled into something else) */
  }
  if (process.argv[1]) starts.push(path.dirname(path.resolve(process.argv[1])));
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 6; i++) {
      const candidate = path.join(dir, 'docs', 'rules');
      if (fs.existsSync(path.join(candidate, 'README.md'))) {
        docsDir = candidate;
        return docsDir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return docsDir;
}

const rendered = new Map<string, string>();

function renderedPage(rule: Rule): string | null {
  const hit = rendered.get(rule.meta.id);
  if (hit) return hit;
  try {
    const dir = path.join(os.tmpdir(), `mailconf-rule-docs-${process.getuid?.() ?? 'user'}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${rule.meta.id}.md`);
    const text = renderRuleDoc(rule);
    let current: string | null = null;
    try {
      current = fs.readFileSync(file, 'utf8');
    } catch {
      /* not written yet */
    }
    if (current !== text) fs.writeFileSync(file, text);
    rendered.set(rule.meta.id, file);
    return file;
  } catch {
    return null;
  }
}

const uris = new Map<string, string | null>();

/** The docs URI of a rule, or null for ids without a page (syntax and include problems). */
export function ruleDocsUri(id: string): string | null {
  if (uris.has(id)) return uris.get(id)!;
  let uri: string | null = null;
  const rule = byId.get(id);
  if (rule) {
    const dir = installedDocsDir();
    const page = dir ? path.join(dir, `${id}.md`) : null;
    if (page && fs.existsSync(page)) uri = pathToUri(page);
    else {
      const file = renderedPage(rule);
      if (file) uri = pathToUri(file);
    }
  }
  uris.set(id, uri);
  return uri;
}
