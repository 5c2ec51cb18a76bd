// The event journal: one JSON line per action berth takes on a container,
// network or volume (create, start, kill, stop, exec, connect, destroy, ...),
// appended to <root>/events.jsonl by whichever command takes it. `events`
// replays it for --since and follows it for what polling the records cannot
// see (a kill, an exec, a network connect). One write per line with O_APPEND:
// concurrent commands never interleave a line. The file is rotated to
// events.jsonl.1 past MAX_BYTES, so it keeps the recent history only.
import { appendFileSync, closeSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../state/paths.js';

export type EventType = 'container' | 'network' | 'volume';

export interface EngineEvent {
  /** When it happened, ISO 8601 with milliseconds. */
  time: string;
  type: EventType;
  action: string;
  /** Container id, network id or volume name. */
  id: string;
  /** name, image, exitCode, signal, execID, container, labels of the object (as docker puts them here). */
  attributes: Record<string, string>;
}

const MAX_BYTES = 4 * 1024 * 1024;

export function journalPath(paths: Pick<StatePaths, 'root'>): string {
  return join(paths.root, 'events.jsonl');
}

/** Appends one event; a journal that cannot be written never fails the action that happened. */
export function recordEvent(paths: Pick<StatePaths, 'root'>, e: Omit<EngineEvent, 'time'> & { time?: string }): void {
  const path = journalPath(paths);
  const line = JSON.stringify({ time: e.time ?? new Date().toISOString(), type: e.type, action: e.action, id: e.id, attributes: e.attributes }) + '\n';
  try {
    try { if (statSync(path).size > MAX_BYTES) renameSync(path, `${path}.1`); } catch { /* none yet */ }
    appendFileSync(path, line, { mode: 0o600 });
  } catch { /* a read-only or full state root: the action itself has been done */ }
}

function parseLines(text: string): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const l of text.split('\n')) {
    if (!l) continue;
    try {
      const e = JSON.parse(l) as EngineEvent;
      if (typeof e.time === 'string' && typeof e.action === 'string' && typeof e.id === 'string') out.push({ ...e, attributes: e.attributes ?? {} });
    } catch { /* a torn last line of a crashed writer */ }
  }
  return out;
}

/** Every recorded event, oldest first (the rotated file, then the current one). */
export function readJournal(paths: Pick<StatePaths, 'root'>): EngineEvent[] {
  const path = journalPath(paths);
  const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
  return parseLines(read(`${path}.1`) + read(path));
}

/** Follows the journal from its current end: each call returns the complete lines written since the last. */
export function journalTail(paths: Pick<StatePaths, 'root'>): () => EngineEvent[] {
  const path = journalPath(paths);
  const sizeOf = () => { try { return statSync(path).size; } catch { return 0; } };
  let offset = sizeOf();
  let partial = '';
  return () => {
    const size = sizeOf();
    if (size < offset) { offset = 0; partial = ''; } // rotated: the new file is read from its start
    if (size === offset) return [];
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = partial + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n') + 1;
      partial = text.slice(cut);
      return parseLines(text.slice(0, cut));
    } finally {
      closeSync(fd);
    }
  };
}
