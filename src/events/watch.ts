// Container events derived from what the records and the shims' state.json
// say, polled: a new record is "create", a status change "start", "die",
// "pause", "unpause", "restart", a health change "health_status: healthy",
// a record that disappears "destroy". No daemon is needed to see them.
import { listRecords, type ContainerRecord } from '../container/record.js';
import { containerPaths } from '../container/paths.js';
import { observeStatus, type ObservedStatus } from '../container/status.js';
import { LABELS } from '../reconcile/desired.js';
import type { StatePaths } from '../state/paths.js';

export interface ContainerEvent {
  /** When berth saw it (the shim's own times for start and die). */
  time: Date;
  type: 'container';
  action: string;
  id: string;
  service: string;
  attributes: Record<string, string>;
}

interface Seen {
  rec: ContainerRecord;
  status: string;
  restarts: number;
  started: string | null;
  health: string | undefined;
}

function snapshot(rec: ContainerRecord, o: ObservedStatus): Seen {
  return { rec, status: o.status, restarts: o.state?.restartCount ?? 0, started: o.state?.startedAt ?? null, health: o.state?.health?.status };
}

/** The events that lead from `before` (undefined: unknown so far) to `now`. */
export function diffEvents(before: Seen | undefined, now: Seen, o: ObservedStatus): { action: string; extra?: Record<string, string>; at?: string | null }[] {
  const out: { action: string; extra?: Record<string, string>; at?: string | null }[] = [];
  if (!before) out.push({ action: 'create' });
  const prevStatus = before?.status ?? 'created';
  const restarted = before && now.started && now.started !== before.started && prevStatus === 'running';
  if (restarted) {
    // The old run ended before the new one started: its die is stamped no later than that start.
    const ended = o.state?.finishedAt;
    const dieAt = ended && Date.parse(ended) <= Date.parse(now.started!) ? ended : now.started;
    out.push({ action: 'die', extra: { exitCode: String(o.state?.exitCode ?? 0) }, at: dieAt });
    out.push({ action: now.restarts > (before?.restarts ?? 0) ? 'restart' : 'start', at: now.started });
  }
  if (now.status !== prevStatus) {
    if (now.status === 'running' && prevStatus === 'paused') out.push({ action: 'unpause' });
    else if (now.status === 'paused') out.push({ action: 'pause' });
    else if (now.status === 'running' && !restarted) out.push({ action: 'start', at: now.started });
    else if (now.status === 'exited' || now.status === 'dead') {
      if (prevStatus === 'created' && before && now.started) out.push({ action: 'start', at: now.started });
      out.push({ action: 'die', extra: { exitCode: String(o.state?.exitCode ?? -1) }, at: o.state?.finishedAt });
    } else if (now.status === 'restarting') out.push({ action: 'die', extra: { exitCode: String(o.state?.exitCode ?? -1) } });
  }
  if (now.health && now.health !== before?.health && now.health !== 'starting') out.push({ action: `health_status: ${now.health}` });
  return out;
}

export interface WatchOptions {
  project: string;
  services?: string[];
  signal: AbortSignal;
  pollMs?: number;
  onEvent: (e: ContainerEvent) => void;
}

/** Polls until the signal aborts; containers present at the start produce no events. */
export async function watchEvents(paths: StatePaths, o: WatchOptions): Promise<void> {
  const want = o.services?.length ? new Set(o.services) : undefined;
  const mine = (r: ContainerRecord) => r.labels[LABELS.project] === o.project && (!want || want.has(r.labels[LABELS.service] ?? ''));
  const seen = new Map<string, Seen>();
  const emit = (rec: ContainerRecord, action: string, extra: Record<string, string> = {}, at?: string | null) => o.onEvent({
    time: at ? new Date(at) : new Date(), type: 'container', action, id: rec.id, service: rec.labels[LABELS.service] ?? '',
    attributes: { image: rec.image.ref, name: rec.name, ...extra },
  });
  let first = true;
  while (!o.signal.aborted) {
    const now = new Set<string>();
    for (const rec of listRecords(paths).filter(mine)) {
      now.add(rec.id);
      const obs = observeStatus(containerPaths(paths, rec.id), rec.id);
      const snap = snapshot(rec, obs);
      if (!first) for (const e of diffEvents(seen.get(rec.id), snap, obs)) emit(rec, e.action, e.extra, e.at);
      seen.set(rec.id, snap);
    }
    for (const [id, s] of seen) {
      if (now.has(id)) continue;
      if (s.status === 'running') emit(s.rec, 'die', { exitCode: '137' });
      emit(s.rec, 'destroy');
      seen.delete(id);
    }
    first = false;
    // One abort listener per wait, removed when the wait ends: a long watch must not pile them up.
    await new Promise<void>((res) => {
      const done = () => { clearTimeout(t); o.signal.removeEventListener('abort', done); res(); };
      const t = setTimeout(done, o.pollMs ?? 200);
      o.signal.addEventListener('abort', done, { once: true });
    });
  }
}
