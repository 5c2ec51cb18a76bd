// Logs of a Compose project: every selected container's log, interleaved by
// time; with `follow`, new lines as they come, from containers that restart,
// get recreated or start later too, until the signal aborts.
import type { StatePaths } from '../state/paths.js';
import type { LogEntry, LogStream } from './entry.js';
import { displayName } from './display-name.js';
import { projectContainers, type ProjectContainer, type SelectOptions } from './select.js';
import { ContainerLog } from './source.js';

export interface LogLine {
  /** Display name ("web-1"; the full name for a custom container_name). */
  name: string;
  service: string;
  number: number;
  containerId: string;
  containerName: string;
  stream: LogStream;
  /** UTC RFC3339 with nine fraction digits. */
  time: string;
  text: string;
}

export interface ProjectLogOptions extends SelectOptions {
  /** Canonical times (see parseTimeArg): entries before `since` or after `until` are left out. */
  since?: string;
  until?: string;
  /** Last N lines of each container already running when the call starts (undefined: all). */
  tail?: number;
  /** Keep going until `signal` aborts (new containers are followed from their first line). */
  follow?: boolean;
  signal?: AbortSignal;
  /** Polling period while following, ms (default 100). */
  pollMs?: number;
  /** Called once per container before its first line (e.g. to size prefixes). */
  onContainer?: (c: ProjectContainer, name: string) => void;
  onLine: (line: LogLine) => void;
  /** Called after each batch of lines (writers that buffer flush here). */
  onBatchEnd?: () => void;
  /**
   * With `follow`: called once, when following begins, with a function that
   * reads and emits what the followed logs hold right now (`up` calls it
   * before it prints "web-1 exited with code N", and before it stops).
   */
  onFollow?: (pollNow: () => void) => void;
}

const byTime = (a: { time: string }, b: { time: string }) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

interface Tracked {
  c: ProjectContainer;
  name: string;
  log: ContainerLog;
}

/**
 * Prints (through onLine) the logs of `project`'s containers. Resolves when
 * everything was read, or, with `follow`, once `signal` is aborted.
 */
export async function projectLogs(paths: StatePaths, project: string, o: ProjectLogOptions): Promise<void> {
  const tracked = new Map<string, Tracked>();
  const keep = (e: LogEntry) => (!o.since || e.time >= o.since) && (!o.until || e.time <= o.until);
  const emit = (batch: { t: Tracked; e: LogEntry }[]) => {
    batch.sort((a, b) => byTime(a.e, b.e));
    for (const { t, e } of batch) {
      if (!keep(e)) continue;
      o.onLine({ name: t.name, service: t.c.service, number: t.c.number, containerId: t.c.record.id, containerName: t.c.record.name, stream: e.stream, time: e.time, text: e.text });
    }
    if (batch.length) o.onBatchEnd?.();
  };
  const track = (c: ProjectContainer): Tracked => {
    const t: Tracked = { c, name: displayName(c.record.name, project, c.service), log: new ContainerLog(c.record.logPath) };
    tracked.set(c.record.id, t);
    o.onContainer?.(c, t.name);
    return t;
  };

  const first = projectContainers(paths, project, o).map(track);
  const initial: { t: Tracked; e: LogEntry }[] = [];
  for (const t of first) for (const e of t.log.initial(o.tail)) initial.push({ t, e });
  if (!o.follow) {
    for (const t of first) {
      for (const e of t.log.flush()) initial.push({ t, e });
      t.log.close();
    }
    emit(initial);
    return;
  }
  emit(initial);
  let done = false;
  o.onFollow?.(() => {
    if (done) return;
    const batch: { t: Tracked; e: LogEntry }[] = [];
    for (const t of tracked.values()) for (const e of t.log.poll()) batch.push({ t, e });
    emit(batch);
  });

  const period = o.pollMs ?? 100;
  let sinceScan = 0;
  try {
    while (!o.signal?.aborted) {
      await sleep(period, o.signal);
      if (o.signal?.aborted) break;
      const batch: { t: Tracked; e: LogEntry }[] = [];
      if ((sinceScan += period) >= 500) {
        sinceScan = 0;
        const now = projectContainers(paths, project, o);
        const ids = new Set(now.map((c) => c.record.id));
        for (const c of now) {
          if (tracked.has(c.record.id)) continue;
          const t = track(c);
          for (const e of t.log.initial()) batch.push({ t, e });
        }
        for (const [id, t] of tracked) {
          if (ids.has(id)) continue;
          // Removed: read what is left, then let it go.
          for (const e of [...t.log.poll(), ...t.log.flush()]) batch.push({ t, e });
          t.log.close();
          tracked.delete(id);
        }
      }
      for (const t of tracked.values()) for (const e of t.log.poll()) batch.push({ t, e });
      emit(batch);
    }
  } finally {
    done = true;
    for (const t of tracked.values()) t.log.close();
  }
}

/** projectLogs with follow: what `up` uses to stream its services' logs. */
export function followProject(paths: StatePaths, project: string, o: Omit<ProjectLogOptions, 'follow'>): Promise<void> {
  return projectLogs(paths, project, { ...o, follow: true });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
