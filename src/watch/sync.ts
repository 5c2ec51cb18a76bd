// Applies one batch of host paths to one container's filesystem. berth owns
// the root filesystem, so files are written straight into the container's
// view (its live /proc/<pid>/root, volumes included, or the overlay mount of
// a stopped container) with src/cp: the host tree is never followed through a
// symlink, every container path is resolved inside the container's root
// (a symlink in the container cannot send a write to a host file), and what
// is written belongs to the container's user. A path that no longer exists
// on the host is removed in the container: the state of the host at the
// moment of the sync is what counts, whichever events announced it.
import { lchownSync, mkdirSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { secureJoin } from '../container/secure-join.js';
import { copyEntry, lstatOrUndefined } from '../cp/copy.js';
import { containerSide, hostSide, type Side } from '../cp/sides.js';
import { BerthError } from '../errors.js';
import type { CompiledRule } from './rules.js';

export interface SyncTarget {
  /** Container name (for messages). */
  name: string;
  /** Host path of the container's "/". */
  root: string;
  /** Owner of what is written: the container's user. */
  owner: { uid: number; gid: number };
}

export interface SyncEntry {
  host: string;
  container: string;
  rule: CompiledRule;
}

export interface SyncResult {
  copied: number;
  removed: number;
  /** One line per path that could not be synced. */
  errors: string[];
}


/** mkdir -p of a container directory, each level resolved inside the root; new levels belong to `owner`. */
function ensureDir(t: SyncTarget, dir: string, known: Set<string>): void {
  if (known.has(dir)) return;
  known.add(dir);
  let at = '/';
  for (const part of dir.split('/').filter(Boolean)) {
    at = posix.join(at, part);
    const host = secureJoin(t.root, at);
    const st = lstatOrUndefined(host);
    if (st?.isDirectory()) continue;
    if (st) throw new BerthError(`${at} is not a directory in container ${t.name}`);
    mkdirSync(host, { mode: 0o755 });
    lchownSync(host, t.owner.uid, t.owner.gid);
  }
}

/** A host side that leaves out what the rule ignores (and, with include, files it does not include). */
function ruleSide(rule: CompiledRule): Side {
  const host = hostSide();
  return {
    ...host,
    excluded: (p) => {
      if (rule.ignored(p)) return true;
      return !rule.triggers(p) && !lstatOrUndefined(p)?.isDirectory();
    },
  };
}

/** Children of a directory already copied or removed in this batch are done with it. */
function topmost(entries: SyncEntry[]): SyncEntry[] {
  const sorted = [...entries].sort((a, b) => (a.container < b.container ? -1 : a.container > b.container ? 1 : 0));
  const out: SyncEntry[] = [];
  let covering: string | undefined;
  for (const e of sorted) {
    if (covering !== undefined && e.container.startsWith(covering === '/' ? '/' : `${covering}/`)) continue;
    if (out.length && out[out.length - 1]!.container === e.container) continue;
    out.push(e);
    const st = lstatOrUndefined(e.host);
    covering = !st || st.isDirectory() ? e.container : undefined;
  }
  return out;
}

// The copy is synchronous: the event loop is given back every few ms, or
// the watcher, starved, would miss the events of a burst.
const YIELD_MS = 8;
const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

/** What was copied into one container: host path → the host file's identity then (a burst's events repeat a directory's copy). */
export type CopiedFiles = Map<string, string>;
const identity = (st: Stats) => `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

export async function syncInto(t: SyncTarget, entries: SyncEntry[], o: { skipUnchanged?: boolean; copiedFiles?: CopiedFiles } = {}): Promise<SyncResult> {
  const dst = containerSide(t.name, t.root, '/');
  const res: SyncResult = { copied: 0, removed: 0, errors: [] };
  let slice = Date.now();
  const dirs = new Set<string>(); // directories made or seen in this call
  for (const e of topmost(entries)) {
    if (Date.now() - slice > YIELD_MS) {
      await yieldLoop();
      slice = Date.now();
    }
    try {
      const to = dst.resolve(e.container, false);
      const st = lstatOrUndefined(e.host);
      const existing = lstatOrUndefined(to);
      if (!st) {
        if (existing) {
          rmSync(to, { recursive: true, force: true });
          res.removed++;
        }
        continue;
      }
      ensureDir(t, posix.dirname(e.container), dirs);
      // A directory replaced by a file (or the reverse) on the host: the old entry goes first.
      if (existing && existing.isDirectory() !== st.isDirectory()) rmSync(to, { recursive: true, force: true });
      const known = o.copiedFiles;
      copyEntry(ruleSide(e.rule), e.host, dst, to, {
        owner: t.owner, skipUnchanged: o.skipUnchanged,
        unchanged: known && ((from, s) => known.get(from) === identity(s)),
        copied: known && ((from, s) => known.set(from, identity(s))),
      });
      res.copied++;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !lstatOrUndefined(e.host)) continue; // removed on the host meanwhile: its own event follows
      res.errors.push(`${e.host} → ${t.name}:${e.container}: ${(err as Error).message}`);
    }
  }
  return res;
}

/**
 * What differs between host directory `dir` (inside the rule's path) and the
 * container, one level deep: entries missing in the container, of another
 * type, or files of another size or mtime. The safety net for events the
 * watcher lost during a burst; nothing is removed on its say.
 */
export function diffDir(t: SyncTarget, rule: CompiledRule, dir: string): SyncEntry[] {
  const out: SyncEntry[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    const host = join(dir, name);
    if (!rule.triggers(host) && (rule.ignored(host) || !lstatOrUndefined(host)?.isDirectory())) continue;
    const container = rule.containerPath(host);
    const st = lstatOrUndefined(host);
    if (!st) continue;
    let inside: Stats | undefined;
    try { inside = lstatOrUndefined(secureJoin(t.root, container)); } catch { inside = undefined; }
    const differs = !inside || inside.isDirectory() !== st.isDirectory() || inside.isSymbolicLink() !== st.isSymbolicLink()
      || (st.isFile() && (inside.size !== st.size || Math.trunc(inside.mtimeMs) !== Math.trunc(st.mtimeMs)));
    if (differs) out.push({ host, container, rule });
  }
  return out;
}
