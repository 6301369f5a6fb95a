/**
 * Loads the bundled command (dist/bundle/mailconf.cjs) with a V8 code cache made after a run.
 *
 * Why: V8 compiles a function to bytecode the first time it is called. Node's compile cache
 * (module.enableCompileCache) keeps what was compiled while a module loaded, which is its top
 * level and little more, so every run compiles again the hundreds of functions a lint calls.
 * V8 can also write a cache after the code has run (vm.Script#createCachedData), holding every
 * function compiled so far; a later run reads them instead of compiling them. Measured side by
 * side (docs/performance.md): a lint of a 30-server file 57 → 47 ms, of the 54,000-line
 * benchmark about 8 ms less.
 *
 * Where: in Node's compile cache directory (one per Node version, architecture and V8 flags;
 * under the OS temporary directory unless NODE_COMPILE_CACHE names another; none when
 * NODE_DISABLE_COMPILE_CACHE is set), one file per command, named after the build: the CRC-32
 * of the bundle, which the build records beside it with the bundle's size (mailconf.cjs.id;
 * hashing the bundle on each run was 1.5 ms of every start). The record counts only for a
 * bundle of that size not changed since it was written. A header (a tag, the build's CRC and
 * the data's) keeps a cache of another build or a damaged file from ever reaching V8. V8 itself
 * refuses a cache made by another V8 or with other flags; the cache is then made again after
 * the run.
 *
 * The data's CRC is checked by the first run that reads a cache, which then marks it checked in
 * its header; later runs trust the mark and do not load node:zlib (1.6 ms of a 40 ms start).
 * A cache is written whole or not at all (a new file renamed into place), so damage is what
 * happens between its writing and its first reading; after that it is as unlikely as damage to
 * the bundle itself, which nothing checks either.
 */
import { createRequire } from 'node:module';

// Built-ins as `require` gives them (see mailconf.js).
const req = createRequire(import.meta.url);
const builtin = process.getBuiltinModule ?? req;
const fs = builtin('node:fs');
const path = builtin('node:path');
const vm = builtin('node:vm');
const zlib = () => builtin('node:zlib');
const nodeModule = builtin('node:module');

const TAG = Buffer.from('mailconf v8 code cache 2\n');
/** After the tag: the build's CRC (4 bytes), the data's CRC (4), whether that was checked (1). */
const CHECKED_AT = TAG.length + 8;
const HEADER = CHECKED_AT + 1;

/**
 * Runs the bundle as Node runs a CommonJS module and returns its exports, with `save()` to
 * call when the command has finished: it writes the cache named `cacheName` if there was none
 * or V8 refused it. No cache is read or written when `cacheName` is null.
 */
export function loadBundle(file, cacheName) {
  const dir = cacheName ? nodeModule.getCompileCacheDir?.() : undefined;
  // The build's record first, then the bundle: a rebuild in between leaves a bundle newer than the record.
  const record = dir ? readBuildRecord(file) : undefined;
  // The build writes the bundle in ASCII (bundle-cli.mjs): latin1 reads it as UTF-8 would, without decoding.
  const { text: source, stat } = readWithStat(file, 'latin1');
  const buildId = record && matchesRecord(stat, record) ? record.crc : undefined;
  const sourceCrc = buildId === undefined ? 0 : Number.parseInt(buildId, 16);
  const cacheFile = buildId === undefined ? null : path.join(dir, `mailconf-${cacheName}-${buildId}.cache`);
  const cachedData = cacheFile ? readCache(cacheFile, sourceCrc) : undefined;
  // The wrapper Node puts around a CommonJS module, on the first line so line numbers stay.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports,
    save() {
      if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
      writeCache(cacheFile, sourceCrc, script.createCachedData(), `mailconf-${cacheName}-`);
    },
  };
}

/** A file's text and its fstat, from one descriptor. */
function readWithStat(file, encoding) {
  const fd = fs.openSync(file, 'r');
  try {
    const stat = fs.fstatSync(fd);
    return { text: fs.readFileSync(fd, encoding), stat };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What the build recorded of the bundle (mailconf.cjs.id: its CRC-32 and size), with the
 * record's own time; undefined when there is none.
 */
function readBuildRecord(file) {
  try {
    const { text, stat } = readWithStat(`${file}.id`, 'latin1');
    const m = /^([0-9a-f]{8}) (\d+)\n$/.exec(text);
    return m ? { crc: m[1], size: Number(m[2]), recordedMs: stat.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the bundle is the one the build recorded: the same size, and not changed since the
 * record was written (a bundle edited by hand, or a build that has begun again). The cache of
 * another bundle must never reach V8, which checks only the source's length. npm gives the
 * files of a package one time, which passes.
 */
function matchesRecord(stat, record) {
  return stat.size === record.size && stat.mtimeMs <= record.recordedMs;
}

/**
 * The cache's data when the file is whole and made for this bundle; undefined otherwise. The
 * first reading checks the data's CRC and marks the file checked, through the descriptor it
 * read (a cache renamed into place meanwhile by another run is not the one marked).
 */
function readCache(file, sourceCrc) {
  let fd;
  try {
    try {
      fd = fs.openSync(file, 'r+');
    } catch {
      fd = fs.openSync(file, 'r');
    }
  } catch {
    return undefined;
  }
  try {
    const bytes = fs.readFileSync(fd);
    if (bytes.length <= HEADER || !bytes.subarray(0, TAG.length).equals(TAG)) return undefined;
    if (bytes.readUInt32LE(TAG.length) !== sourceCrc) return undefined;
    const data = bytes.subarray(HEADER);
    if (bytes[CHECKED_AT] === 1) return data;
    if (typeof zlib().crc32 !== 'function' || bytes.readUInt32LE(TAG.length + 4) !== zlib().crc32(data)) return undefined;
    try {
      // One byte written in place: a torn write of it cannot happen; a failure leaves it unchecked.
      fs.writeSync(fd, Buffer.of(1), 0, 1, CHECKED_AT);
    } catch {
      /* checked again next time */
    }
    return data;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Caches of other builds older than this are removed: two builds run in turn keep theirs. */
const STALE_MS = 24 * 3600 * 1000;

/**
 * Writes through a file of its own and renames it into place, so runs in parallel never read
 * half a cache; then removes this command's caches of other builds written more than a day
 * ago. A cache is an optimisation: any failure leaves things as they were.
 */
function writeCache(file, sourceCrc, data, prefix) {
  if (typeof zlib().crc32 !== 'function') return;
  const header = Buffer.alloc(HEADER);
  TAG.copy(header);
  header.writeUInt32LE(sourceCrc, TAG.length);
  header.writeUInt32LE(zlib().crc32(data), TAG.length + 4);
  header[CHECKED_AT] = 0;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([header, data]));
    fs.renameSync(tmp, file);
    const dir = path.dirname(file);
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      const other = path.join(dir, name);
      if (!name.startsWith(prefix) || !name.endsWith('.cache') || other === file) continue;
      if (now - fs.statSync(other).mtimeMs > STALE_MS) fs.rmSync(other, { force: true });
    }
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* nothing more to do */
    }
  }
}
