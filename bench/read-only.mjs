/**
 * The least a Node program can do with a config file: read it and look at every character
 * (here, count its lines). The benchmark runs it beside `mailconf parse` to show how much of
 * the memory above bare Node any Node program reading the file pays, before parsing anything.
 */
import * as fs from 'node:fs';

const text = fs.readFileSync(process.argv[2], 'latin1');
let lines = 0;
for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
process.stdout.write(`${lines}\n`);
