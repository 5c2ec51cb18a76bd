// Loads dist/bundle/berth.cjs (the whole CLI as one CommonJS script) through
// vm.Script with a V8 code cache, so that a start skips compiling the code
// it runs: V8 deserializes the bytecode of every function the same command
// ran last time instead of parsing and compiling it (~20–30 ms of each
// `berth config`). Used by bin/berth; imports nothing but node built-ins.
// CommonJS (.cts), like bin/berth, so that a cached start never sets up
// Node's ES module loader.
//
// One cache file per command (`<dir>/<command>.v8cache`): `config` caches
// the YAML and schema code, `ps` the state store. Each file starts with a
// header naming its key: the bundle's sha256 (written by scripts/bundle.mjs
// on its first line), its size and mtime, Node's version and the CPU
// architecture. A file with another key, a cache V8 rejects (other V8
// version or flags) or a damaged one is ignored and replaced after a
// successful run. The header also counts the runs that wrote the cache:
// each of the first REFRESHES successful runs keeps the bigger of the cache
// it loaded and the one it would make (see REFRESHES), so a first run down
// a short path does not fix a small cache for good. V8 does not verify a cache's checksum in release builds
// (a damaged cache crashes the process), so the loader turns that check on;
// it is then part of V8's flag hash, so every cache is made with it too.
//
// The cache is written only where the current user may write (by default
// dist/bundle/cache, next to the bundle; BERTH_CODE_CACHE_DIR elsewhere). When
// there is no cache and none can be written, this returns undefined and the
// launcher loads the ES module bundle, which is quicker to start uncached.
// BERTH_CODE_CACHE=0 turns the cache off.
import { accessSync, closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import type * as V8 from 'node:v8';

type Main = (argv: string[]) => Promise<number>;

export interface LoadedBundle {
  main: Main;
  /** What happened to the cache: 'hit', 'miss' (none usable), 'rejected' (V8 refused it). */
  cache: 'hit' | 'miss' | 'rejected';
  /** After the command: writes a fresh cache when this run had none (only after exit code 0). */
  finish(exitCode: number): void;
}

const MAGIC = 'berth-v8cache-1';
/** Global options that take a value: skipped when looking for the command name. */
const VALUE_OPTIONS = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--progress', '--ansi', '--root']);

/** The command of a berth argv (without node and script): names the cache file. */
export function commandOf(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) { i++; continue; }
    if (a.startsWith('-')) continue;
    return /^[a-z][a-z0-9-]{0,31}$/.test(a) ? a : 'other';
  }
  return 'none';
}

/** The cache directory to use, or undefined when caching is off. */
export function cacheDirOf(bundle: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.BERTH_CODE_CACHE === '0') return undefined;
  return env.BERTH_CODE_CACHE_DIR || join(dirname(bundle), 'cache');
}

/**
 * How many successful runs of a command may each replace its cache with a
 * bigger one. A cache holds the functions its run compiled: one made by a run
 * that took a short path (a no-op `up`) would leave those of a full one to be
 * compiled at every start (~5 ms of an `up -d` of 5 services). Past these
 * runs a hit costs nothing more; each of them pays for serializing (~5 ms).
 */
const REFRESHES = 3;

interface CacheFile { data: Buffer; runs: number }

/** The payload of a cache file (and how many runs wrote it) when its header carries `key` and the file is ours; else undefined. */
function readCache(file: string, key: string): CacheFile | undefined {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch { return undefined; }
  try {
    // A cache is code: take it only from this user (or root) and only when nobody else can change it.
    const st = fstatSync(fd);
    const uid = process.geteuid?.() ?? 0;
    if (!st.isFile() || (st.uid !== uid && st.uid !== 0) || (st.mode & 0o022) !== 0) return undefined;
    const data = readFileSync(fd);
    const prefix = `${MAGIC} ${key} `;
    const nl = data.indexOf(10, prefix.length);
    if (nl < 0 || nl + 1 >= data.length || data.toString('latin1', 0, prefix.length) !== prefix) return undefined;
    const runs = Number(data.toString('latin1', prefix.length, nl));
    if (!Number.isInteger(runs) || runs < 1 || runs > REFRESHES) return undefined;
    return { data: data.subarray(nl + 1), runs };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Writes the cache atomically (temp file + rename); any failure just leaves no cache. */
function writeCache(file: string, key: string, data: Buffer, runs: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC} ${key} ${runs}\n`, 'latin1'), data]), { mode: 0o644 });
    renameSync(tmp, file);
  } catch {
    try { unlinkSync(tmp); } catch { /* nothing written */ }
  }
}

/**
 * Compiles and runs the CommonJS bundle with the code cache; undefined when
 * the bundle has no hash line, or when there is no cache and none can be
 * written (the caller then loads the ES module bundle).
 */
export function loadBundle(bundle: string, argv: string[], env: NodeJS.ProcessEnv = process.env): LoadedBundle | undefined {
  const dir = cacheDirOf(bundle, env);
  if (!dir) return undefined;
  // latin1: scripts/bundle.mjs writes ASCII only, and a one-byte string is the cheapest to make.
  const text = readFileSync(bundle, 'latin1');
  const m = /^\/\/ berth-bundle ([0-9a-f]{64})\n/.exec(text.slice(0, 100));
  if (!m) return undefined;
  const st = statSync(bundle);
  const key = `${m[1]} ${st.size} ${Math.trunc(st.mtimeMs)} ${process.version} ${process.arch}`;
  const file = join(dir, `${commandOf(argv)}.v8cache`);
  const cached = readCache(file, key);
  if (!cached && !writable(dir)) return undefined;

  // bin/berth's #! line passes the flag; only `node bin/berth` needs node:v8 (~5 ms to load) to set it.
  if (!process.execArgv.includes('--verify-snapshot-checksum')) (require('node:v8') as typeof V8).setFlagsFromString('--verify-snapshot-checksum');
  // The wrapper starts on the bundle's first line, so line numbers in stack traces stay right.
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __berthImportMetaUrl) {${text}\n})`, {
    filename: bundle,
    cachedData: cached?.data,
  });
  const rejected = cached !== undefined && script.cachedDataRejected === true;
  const mod: { exports: { main?: Main } } = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle), pathToFileURL(bundle).href);
  if (typeof mod.exports.main !== 'function') throw new Error(`${bundle} does not export main`);
  return {
    main: mod.exports.main,
    cache: !cached ? 'miss' : rejected ? 'rejected' : 'hit',
    finish(exitCode: number): void {
      if (exitCode !== 0) return;
      const usable = cached && !rejected ? cached : undefined;
      if ((usable && usable.runs >= REFRESHES) || !writable(dir)) return;
      const fresh = script.createCachedData();
      // The bigger one covers more of the command; the count goes up either way.
      writeCache(file, key, usable && usable.data.length >= fresh.length ? usable.data : fresh, (usable?.runs ?? 0) + 1);
    },
  };
}
