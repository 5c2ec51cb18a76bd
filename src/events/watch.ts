// A project's events: what the journal recorded (create, start, kill, stop,
// exec, network connect, volume create, ...; see journal.ts) and what only
// the shims' state.json shows (die, a restart by the policy, health_status,
// oom), polled. `since` replays the journal (and the exits the records
// still show); `until` ends the stream. No daemon is needed to see them.
import { listRecords, type ContainerRecord } from '../container/record.js';
import { containerPaths } from '../container/paths.js';
import { observeStatus, type ObservedStatus } from '../container/status.js';
import { isComposeLabel, LABELS } from '../compose-labels.js';
import type { StatePaths } from '../state/paths.js';
import { journalTail, readJournal, type EngineEvent, type EventType } from './journal.js';

export interface ContainerEvent {
  /** When it happened (the shim's own times for start and die). */
  time: Date;
  type: EventType;
  action: string;
  id: string;
  service: string;
  /** image, name, exitCode, signal, execID... and the object's own labels (Compose's are left out, as docker compose does). */
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

type Derived = { action: string; extra?: Record<string, string>; at?: string | null };

/** The die as docker reports it: oom first when the kernel killed it for memory. */
function dieEvents(o: ObservedStatus, at: string | null | undefined, fallbackCode: number): Derived[] {
  const out: Derived[] = [];
  if (o.state?.oomKilled) out.push({ action: 'oom', at });
  out.push({ action: 'die', extra: { exitCode: String(o.state?.exitCode ?? fallbackCode) }, at });
  return out;
}

/** The events that lead from `before` (undefined: unknown so far) to `now`. */
export function diffEvents(before: Seen | undefined, now: Seen, o: ObservedStatus): Derived[] {
  const out: Derived[] = [];
  if (!before) out.push({ action: 'create', at: now.rec?.created });
  const prevStatus = before?.status ?? 'created';
  const restarted = before && now.started && now.started !== before.started && prevStatus === 'running';
  if (restarted) {
    // The old run ended before the new one started: its die is stamped no later than that start.
    const ended = o.state?.finishedAt;
    const dieAt = ended && Date.parse(ended) <= Date.parse(now.started!) ? ended : now.started;
    out.push(...dieEvents(o, dieAt, 0));
    out.push({ action: now.restarts > (before?.restarts ?? 0) ? 'restart' : 'start', at: now.started });
  }
  if (now.status !== prevStatus) {
    if (now.status === 'running' && prevStatus === 'paused') out.push({ action: 'unpause' });
    else if (now.status === 'paused') out.push({ action: 'pause' });
    else if (now.status === 'running' && !restarted) out.push({ action: 'start', at: now.started });
    else if (now.status === 'exited' || now.status === 'dead') {
      if (prevStatus === 'created' && before && now.started) out.push({ action: 'start', at: now.started });
      out.push(...dieEvents(o, o.state?.finishedAt, -1));
    } else if (now.status === 'restarting') out.push(...dieEvents(o, undefined, -1));
  }
  if (now.health && now.health !== before?.health && now.health !== 'starting') out.push({ action: `health_status: ${now.health}` });
  return out;
}

/**
 * Journal actions `events` takes from the journal while following: the
 * container ones polling cannot see, and destroy (stamped when it happened,
 * not when a poll noticed). The others (create, start, pause, unpause,
 * restart) the poller derives itself, with the shim's times.
 */
const FOLLOWED = /^(kill|stop|exec_create|exec_start|exec_die|destroy)\b/;

export interface WatchOptions {
  project: string;
  services?: string[];
  signal: AbortSignal;
  pollMs?: number;
  /** Replay what happened from then (the journal, and the exits the records show). */
  since?: Date;
  /** Stop at this time (at once after the replay when it has passed). */
  until?: Date;
  /** Only the events this accepts (the CLI's --filter). */
  accept?: (e: ContainerEvent) => boolean;
  onEvent: (e: ContainerEvent) => void;
}

function fromJournal(e: EngineEvent): ContainerEvent {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.attributes)) if (!isComposeLabel(k)) attributes[k] = v;
  return { time: new Date(e.time), type: e.type, action: e.action, id: e.id, service: e.attributes[LABELS.service] ?? '', attributes };
}

/** Polls until the signal aborts or `until` passes; containers present at the start produce no live events. */
export async function watchEvents(paths: StatePaths, o: WatchOptions): Promise<void> {
  const want = o.services?.length ? new Set(o.services) : undefined;
  const ofProject = (labels: Record<string, string>) => labels[LABELS.project] === o.project;
  const mine = (r: ContainerRecord) => ofProject(r.labels) && (!want || want.has(r.labels[LABELS.service] ?? ''));
  // Networks and volumes carry the project label but no service: shown unless services are named.
  const journalMine = (e: EngineEvent) => ofProject(e.attributes) && (e.type === 'container' ? !want || want.has(e.attributes[LABELS.service] ?? '') : !want);
  const untilMs = o.until?.getTime() ?? Infinity;
  const deliver = (e: ContainerEvent) => {
    if (e.time.getTime() > untilMs) return;
    if (!o.accept || o.accept(e)) o.onEvent(e);
  };
  const derived = (rec: ContainerRecord, d: Derived): ContainerEvent => {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec.labels)) if (!isComposeLabel(k)) attributes[k] = v;
    return { time: d.at ? new Date(d.at) : new Date(), type: 'container', action: d.action, id: rec.id, service: rec.labels[LABELS.service] ?? '', attributes: { ...attributes, image: rec.image.ref, name: rec.name, ...d.extra } };
  };

  const tail = journalTail(paths);
  if (o.since) {
    const from = o.since.getTime();
    const to = Math.min(untilMs, Date.now());
    const past: ContainerEvent[] = readJournal(paths).filter((e) => journalMine(e) && Date.parse(e.time) >= from && Date.parse(e.time) <= to).map(fromJournal);
    // Exits are the shims' to see: the last one of each container still on record.
    for (const rec of listRecords(paths).filter(mine)) {
      const obs = observeStatus(containerPaths(paths, rec.id), rec.id);
      const end = obs.state?.finishedAt;
      if (!end || Date.parse(end) < from || Date.parse(end) > to) continue;
      for (const d of dieEvents(obs, end, -1)) past.push(derived(rec, d));
    }
    past.sort((a, b) => a.time.getTime() - b.time.getTime());
    past.forEach(deliver);
  }

  const seen = new Map<string, Seen>();
  let first = true;
  while (!o.signal.aborted && Date.now() <= untilMs) {
    const batch: ContainerEvent[] = [];
    const now = new Set<string>();
    for (const rec of listRecords(paths).filter(mine)) {
      now.add(rec.id);
      const obs = observeStatus(containerPaths(paths, rec.id), rec.id);
      const snap = snapshot(rec, obs);
      if (!first) for (const d of diffEvents(seen.get(rec.id), snap, obs)) batch.push(derived(rec, d));
      seen.set(rec.id, snap);
    }
    for (const [id, s] of seen) {
      if (now.has(id)) continue;
      // Removed while running: its die was never seen (the journal has the destroy).
      if (s.status === 'running') batch.push(derived(s.rec, { action: 'die', extra: { exitCode: '137' } }));
      seen.delete(id);
    }
    for (const e of tail()) {
      if (!journalMine(e)) continue;
      if (e.type === 'container' && !FOLLOWED.test(e.action)) continue;
      batch.push(fromJournal(e));
    }
    first = false;
    batch.sort((a, b) => a.time.getTime() - b.time.getTime()).forEach(deliver);
    // One abort listener per wait, removed when the wait ends: a long watch must not pile them up.
    await new Promise<void>((res) => {
      const done = () => { clearTimeout(t); o.signal.removeEventListener('abort', done); res(); };
      const t = setTimeout(done, Math.max(0, Math.min(o.pollMs ?? 200, untilMs - Date.now() + 1)));
      o.signal.addEventListener('abort', done, { once: true });
    });
  }
}
