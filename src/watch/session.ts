// One watch of a project: the rules are checked first (nothing starts on a
// bad rule), then `up` when asked, the initial syncs, and the watcher. Each
// batch of changes is matched against the rules of every service; syncs run
// under the project lock (held only for the batch, so ps, logs and exec work
// in between), then the restart, exec and rebuild actions through the
// project service. A poll of the watched services' containers re-syncs a
// container that was recreated (a new id) or could not be written while it
// was down, so the container always ends up with the host's files.
import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Project } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { Engine } from '../project/engine.js';
import type { Reporter } from '../project/run.js';
import { withProjectLock } from '../state/lock.js';
import type { StatePaths } from '../state/paths.js';
import { execInService, rebuildService, restartServices, type ActionContext } from './actions.js';
import { Batcher, type BatcherOptions } from './batcher.js';
import { compileWatch, isSync, type CompiledRule } from './rules.js';
import { diffDir, syncInto, type CopiedFiles, type SyncEntry } from './sync.js';
import { watchedContainers, type WatchedContainer } from './targets.js';
import { watchPaths, type FileWatcher } from './watcher.js';

export interface WatchOptions {
  paths: StatePaths;
  project: Project;
  /** Services to watch (default: every service with develop.watch). */
  services?: string[];
  /** One line of watch output (docker compose's wording). */
  log: (line: string) => void;
  /** Progress of the restart/rebuild runs (default: none). */
  reporter?: Reporter;
  /** --prune: remove the service's previous image once a rebuild replaced it. */
  prune?: boolean;
  /** Converges the project once the rules are known to be good (berth watch without --no-up). */
  up?: () => Promise<unknown>;
  /** How often the watched services' containers are looked at (ms). */
  pollMs?: number;
  batch?: BatcherOptions;
  /** Quiet time before the directories of the last batches are compared with the containers (ms). */
  settleMs?: number;
}

export interface WatchSession {
  /** Rejects when the watcher fails (e.g. the inotify limit). */
  readonly failed: Promise<never>;
  /** Stops watching (an in-flight batch finishes first); the project keeps running. */
  stop(): Promise<void>;
}

interface Pending { sync: SyncEntry[]; restart: boolean; exec: Set<CompiledRule>; rebuild: boolean }

export async function startWatch(o: WatchOptions): Promise<WatchSession> {
  const rules = compileWatch(o.project, o.services ?? []);
  await o.up?.();
  const engine = new Engine(o.paths);
  const lockWait = { timeoutMs: engine.config.lockTimeoutMs };
  const ctx: ActionContext = { paths: o.paths, engine, project: o.project, log: o.log, reporter: o.reporter };
  const services = [...new Set(rules.map((r) => r.service))];
  const syncRules = (svc: string) => rules.filter((r) => r.service === svc && isSync(r.rule));
  const seen = new Map<string, Set<string>>(services.map((s) => [s, new Set()]));
  const dirty = new Set<string>();
  const copied = new Map<string, CopiedFiles>();

  // One thing at a time: batches and re-syncs never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const containersOf = (svc: string) => watchedContainers(o.paths, engine.containers, o.project.name, svc);
  const writeTo = async (c: WatchedContainer, entries: SyncEntry[], skipUnchanged = false): Promise<void> => {
    if (!c.target) { dirty.add(c.key); return; }
    try {
      let copiedFiles = copied.get(c.key);
      if (!copiedFiles) copied.set(c.key, (copiedFiles = new Map()));
      const r = await syncInto(c.target, entries, { skipUnchanged, copiedFiles });
      for (const e of r.errors) o.log(`Error syncing: ${e}`);
      // Written into the overlay of a stopped container: a volume over the target would hide it, so check again once it runs.
      if (!c.target.root.startsWith('/proc/')) dirty.add(c.key);
    } catch (e) {
      dirty.add(c.key); // the container went away mid-sync: re-synced when it is back
      o.log(`Error syncing to ${c.record.name}: ${(e as Error).message}`);
    }
  };
  const fullEntries = (svc: string): SyncEntry[] =>
    syncRules(svc).map((r) => ({ host: r.rule.path, container: r.containerPath(r.rule.path), rule: r }));

  // Initial syncs (initial_sync: true), and the containers that exist now.
  await withProjectLock(o.paths, o.project.name, async () => {
    for (const svc of services) {
      const initial = syncRules(svc).filter((r) => r.rule.initial_sync)
        .map((r) => ({ host: r.rule.path, container: r.containerPath(r.rule.path), rule: r }));
      for (const c of containersOf(svc)) {
        if (initial.length) await writeTo(c, initial, true);
        seen.get(svc)!.add(c.key);
      }
    }
  }, lockWait);

  const handle = (batch: string[]) => serial(async () => {
    const todo = new Map<string, Pending>();
    for (const p of batch) {
      for (const r of rules) {
        if (!r.triggers(p)) continue;
        const t = todo.get(r.service) ?? { sync: [], restart: false, exec: new Set<CompiledRule>(), rebuild: false };
        todo.set(r.service, t);
        const a = r.rule.action;
        if (a === 'rebuild') t.rebuild = true;
        if (a === 'restart' || a === 'sync+restart') t.restart = true;
        if (isSync(r.rule)) {
          t.sync.push({ host: p, container: r.containerPath(p), rule: r });
          touched.add(p);
          touched.add(dirname(p));
        }
        if (a === 'sync+exec') t.exec.add(r);
      }
    }
    if (todo.size === 0) return;
    if (batch.length > 1000) o.log('Large batch of file changes detected. If you just switched branches, this is expected.');
    const step = async (what: string, fn: () => Promise<void>) => {
      try { await fn(); } catch (e) { o.log(`Error ${what}: ${(e as Error).message}`); }
    };
    for (const [svc, t] of todo) {
      if (t.rebuild) await step(`rebuilding service "${svc}"`, () => rebuild(svc));
    }
    await withProjectLock(o.paths, o.project.name, async () => {
      for (const [svc, t] of todo) {
        if (!t.sync.length) continue;
        o.log(`Syncing service "${svc}" after ${t.sync.length} changes were detected`);
        for (const c of containersOf(svc)) await writeTo(c, t.sync);
      }
    }, lockWait);
    armSettle();
    const restart = [...todo].filter(([, t]) => t.restart && !t.rebuild).map(([s]) => s);
    if (restart.length) await step('restarting', () => restartServices(ctx, restart));
    for (const [svc, t] of todo) {
      for (const r of t.exec) await step(`running exec for service "${svc}"`, () => execInService(ctx, svc, r.rule.exec!));
    }
  });

  const rebuild = async (svc: string) => {
    const before = containersOf(svc).map((c) => c.record.image.id).filter((x): x is string => !!x);
    await rebuildService(ctx, svc);
    if (o.prune) await pruneOld(before);
  };
  const pruneOld = async (ids: string[]) => {
    const dangling = new Set(engine.images.pruneCandidates());
    for (const id of new Set(ids)) if (dangling.has(id)) await engine.images.remove(id).catch(() => undefined);
  };

  // New containers (recreated) and ones written to while down get the whole synced tree.
  const resync = () => serial(async () => {
    for (const svc of services) {
      if (!syncRules(svc).length) continue;
      const want = containersOf(svc).filter((c) => c.target?.root.startsWith('/proc/') && (!seen.get(svc)!.has(c.key) || dirty.has(c.key)));
      if (!want.length) continue;
      await withProjectLock(o.paths, o.project.name, async () => {
        for (const c of want) {
          o.log(`Syncing service "${svc}" to container ${c.record.name}`);
          dirty.delete(c.key);
          copied.delete(c.key); // a full pass, checked against what the container has
          seen.get(svc)!.add(c.key);
          await writeTo(c, fullEntries(svc), true);
        }
      }, lockWait);
    }
  });

  // A watcher under a burst can lose events (a directory created and filled
  // before its own watch is set up). Once the events have been quiet for a
  // moment, the directories the last batches touched are compared with the
  // containers, one level deep, and what differs is synced.
  let touched = new Set<string>();
  let recent = new Set<string>();
  let settleTimer: NodeJS.Timeout | undefined;
  let lateTimer: NodeJS.Timeout | undefined;
  const armSettle = () => {
    clearTimeout(settleTimer);
    clearTimeout(lateTimer);
    const run = (which: 'touched' | 'recent') => () => void settle(which).catch((e: Error) => o.log(`Error: ${e.message}`));
    settleTimer = setTimeout(run('touched'), o.settleMs ?? 50);
    // Once more when all has been quiet for longer: a slow burst has gaps.
    lateTimer = setTimeout(run('recent'), (o.settleMs ?? 50) * 6);
  };
  const settle = (which: 'touched' | 'recent') => serial(async () => {
    const set = which === 'touched' ? touched : recent;
    if (which === 'touched') { for (const d of touched) recent.add(d); touched = new Set(); } else recent = new Set();
    const dirs = [...set].filter((d) => { try { return lstatSync(d).isDirectory(); } catch { return false; } });
    for (const svc of services) {
      const rs = syncRules(svc);
      if (!rs.length) continue;
      await withProjectLock(o.paths, o.project.name, async () => {
        for (const c of containersOf(svc)) {
          if (!c.target) continue;
          const missing = dirs.flatMap((d) => rs.filter((r) => !r.ignored(d) || d === r.rule.path).flatMap((r) => diffDir(c.target!, r, d)));
          if (missing.length) await writeTo(c, missing, true);
        }
      }, lockWait);
    }
  });

  const batcher = new Batcher(handle, o.batch);
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => undefined);
  let watcher: FileWatcher;
  try {
    watcher = watchPaths(rules, (p) => batcher.push(p), (e) => fail(e));
    await Promise.race([watcher.ready, failed]);
  } catch (e) {
    throw e instanceof BerthError ? e : new BerthError(`watch: ${(e as Error).message}`);
  }
  const timer = setInterval(() => void resync().catch((e: Error) => o.log(`Error: ${e.message}`)), o.pollMs ?? 500);
  o.log('Watch enabled');

  let stopped: Promise<void> | undefined;
  return {
    failed,
    stop: () => (stopped ??= (async () => {
      clearInterval(timer);
      clearTimeout(settleTimer);
      clearTimeout(lateTimer);
      await watcher.close();
      await batcher.close();
      await chain;
      o.log('Watch disabled');
    })()),
  };
}
