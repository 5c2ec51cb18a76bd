// The file watcher: chokidar on every rule path, with the rules' ignore
// patterns applied before anything is stat'ed (a node_modules the rules
// ignore is never walked nor watched), symlinks never followed (a link that
// points outside the watched path stays a link), and no initial events.
// Running out of inotify watches or instances is one clear error.
import { readFileSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { BerthError } from '../errors.js';
import type { CompiledRule } from './rules.js';
import { relativeTo } from './ignore.js';

export interface FileWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

function sysctl(name: string): string {
  try { return readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim(); } catch { return '?'; }
}

/** The kernel limit behind a watch error, said plainly; other errors pass as they are. */
export function watchError(e: NodeJS.ErrnoException): Error {
  if (e.code === 'ENOSPC') {
    return new BerthError(`watch: the kernel's inotify watch limit is reached (fs.inotify.max_user_watches = ${sysctl('max_user_watches')}); `
      + 'ignore large directories in develop.watch (ignore: [node_modules/]) or raise the limit (sysctl fs.inotify.max_user_watches=524288)');
  }
  if (e.code === 'EMFILE') {
    return new BerthError(`watch: too many inotify instances or open files (fs.inotify.max_user_instances = ${sysctl('max_user_instances')}); `
      + 'stop other watchers or raise the limit (sysctl fs.inotify.max_user_instances=512, ulimit -n)');
  }
  return e;
}

/** A path is left out of the watch when every rule that covers it ignores it. */
export function ignoredByAll(rules: CompiledRule[]) {
  return (p: string): boolean => {
    let covered = false;
    for (const r of rules) {
      if (relativeTo(r.rule.path, p) === undefined) continue;
      covered = true;
      if (!r.ignored(p)) return false;
    }
    return covered;
  };
}

export function watchPaths(rules: CompiledRule[], onPath: (path: string) => void, onError: (e: Error) => void): FileWatcher {
  const roots = [...new Set(rules.map((r) => r.rule.path))];
  const w: FSWatcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: false,
    ignored: ignoredByAll(rules),
    persistent: true,
  });
  w.on('all', (_event, path) => onPath(path));
  w.on('error', (e) => onError(watchError(e as NodeJS.ErrnoException)));
  const ready = new Promise<void>((resolve) => w.once('ready', () => resolve()));
  return { ready, close: () => w.close() };
}
