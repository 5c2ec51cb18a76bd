// Where COPY and ADD read from: the build context (a directory, with
// .dockerignore), an additional named context, or the root filesystem of a
// stage or image (`--from`). A source path is relative to its tree ("/" is the
// tree's root, as docker reads it); `..` that would climb out is an error and
// symlinks are followed only inside the tree, so nothing outside it is ever
// read. Directories are walked without following symlinks (they are copied
// as links). The content hash of what a step reads is part of its cache key.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { secureJoin } from '../../secure-join.js';
import { cleanRelative, hasGlob, IgnoreMatcher, patternRegex } from './pattern.js';

export class SourceError extends Error {}

export interface SourceTree {
  /** Host directory that is the tree's "/". */
  root: string;
  ignore?: IgnoreMatcher;
  /** For messages: "build context", "stage builder", ... */
  what: string;
}

export interface SourceEntry {
  /** Path relative to the tree root. */
  rel: string;
  abs: string;
  st: Stats;
}

/** The build context directory with its .dockerignore (or <Dockerfile>.dockerignore next to the Dockerfile). */
export function openContext(dir: string, dockerfile?: string): SourceTree {
  const candidates = [dockerfile ? `${dockerfile}.dockerignore` : undefined, join(dir, '.dockerignore')].filter((x): x is string => !!x);
  const file = candidates.find((f) => existsSync(f));
  return { root: dir, ignore: new IgnoreMatcher(file ? readFileSync(file, 'utf8') : ''), what: 'build context' };
}

function ignored(tree: SourceTree, rel: string): boolean {
  return !!tree.ignore && rel !== '' && tree.ignore.ignored(rel);
}

/** Every non-ignored path in the tree (for globs), without following symlinks. */
function allPaths(tree: SourceTree): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try { names = readdirSync(rel ? join(tree.root, rel) : tree.root).sort(); } catch { return; }
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      const skip = ignored(tree, r);
      if (!skip) out.push(r);
      let st: Stats;
      try { st = lstatSync(join(tree.root, r)); } catch { continue; }
      if (st.isDirectory() && (!skip || tree.ignore?.mayHaveExceptions(r))) walk(r);
    }
  };
  walk('');
  return out;
}

/**
 * The entries one COPY source names: a path (symlinks followed inside the
 * tree) or a glob. Throws SourceError with the reason.
 */
export function resolveSource(tree: SourceTree, src: string): SourceEntry[] {
  const clean = cleanRelative(src.replace(/^\/+/, ''));
  if (clean === undefined) throw new SourceError(`"${src}" is outside the ${tree.what}: a path may not climb out of it with ..`);
  if (hasGlob(clean)) {
    const re = patternRegex(clean);
    const hits = allPaths(tree).filter((p) => re.test(p));
    if (hits.length === 0) throw new SourceError(`no source files were specified: "${src}" matches nothing in the ${tree.what}`);
    return hits.map((rel) => ({ rel, abs: join(tree.root, rel), st: lstatSync(join(tree.root, rel)) }));
  }
  const abs = clean === '' ? tree.root : secureJoin(tree.root, clean);
  const rel = relative(tree.root, abs);
  let st: Stats;
  try { st = lstatSync(abs); } catch { throw new SourceError(`"${src}": not found in the ${tree.what}`); }
  if (ignored(tree, clean) || ignored(tree, rel)) throw new SourceError(`"${src}": not found in the ${tree.what} (excluded by .dockerignore)`);
  return [{ rel, abs, st }];
}

/** The entries below a directory source (itself excluded), parents before children, sorted. */
export function walkEntries(tree: SourceTree, dir: SourceEntry, visit: (e: SourceEntry, sub: string) => void, exclude: RegExp[] = []): void {
  const walk = (rel: string, sub: string) => {
    for (const n of readdirSync(join(tree.root, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const s = sub ? `${sub}/${n}` : n;
      const st = lstatSync(join(tree.root, r));
      const skip = ignored(tree, r) || exclude.some((x) => x.test(s));
      if (!skip) visit({ rel: r, abs: join(tree.root, r), st }, s);
      if (st.isDirectory() && (!skip || tree.ignore?.mayHaveExceptions(r))) walk(r, s);
    }
  };
  walk(dir.rel, '');
}

async function fileHash(path: string, size: number): Promise<string> {
  // Small files in one read: most of a source tree, and far cheaper than a stream each.
  if (size < 1 << 20) return createHash('sha256').update(readFileSync(path)).digest('hex');
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** A digest of what the sources hold: names, types, modes, link targets and file contents. */
export async function hashSources(tree: SourceTree, entries: SourceEntry[], exclude: RegExp[] = []): Promise<string> {
  const h = createHash('sha256');
  const add = async (e: SourceEntry, name: string) => {
    const st = e.st;
    h.update(`${name}\0${st.mode.toString(8)}\0`);
    if (st.isSymbolicLink()) h.update(`l:${readlinkSync(e.abs)}\0`);
    else if (st.isFile()) h.update(`f:${st.size}:${await fileHash(e.abs, st.size)}\0`);
    else if (st.isDirectory()) h.update('d\0');
  };
  for (const e of entries) {
    await add(e, e.rel);
    if (e.st.isDirectory()) {
      const subs: Array<[SourceEntry, string]> = [];
      walkEntries(tree, e, (x, sub) => subs.push([x, sub]), exclude);
      for (const [x, sub] of subs) await add(x, `${e.rel}//${sub}`);
    }
  }
  return h.digest('hex');
}
