#!/usr/bin/env node
/**
 * Writes grammars/nginx.tmLanguage.json from grammars/src/nginx-grammar.mjs.
 * `--check` only compares and exits 1 when the JSON file is out of date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammar } from '../src/nginx-grammar.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const target = path.resolve(here, '../nginx.tmLanguage.json');

/** The exact text of the generated file (also used by the test that checks it is current). */
export function renderGrammar() {
  return JSON.stringify(grammar, null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = renderGrammar();
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), target)} is out of date: run node grammars/scripts/build-grammar.mjs`);
      process.exit(1);
    }
  } else if (current !== text) {
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}
