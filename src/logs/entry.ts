// One line of a json-file log ({"log":"…\n","stream":"stdout","time":"…"}),
// and the joining of entries that the writer split (lines over 16 KiB, or a
// last line without its newline).
import { normalizeLogTime } from './time.js';

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** Canonical UTC time with nine fraction digits (see time.ts). */
  time: string;
  stream: LogStream;
  /** The text without its trailing newline. */
  text: string;
  /** true when the writer split the line here (no newline at the end yet). */
  partial: boolean;
}

/** Parses one json-file line; undefined for a torn or foreign line (skipped, as Docker does). */
export function parseEntry(line: string): LogEntry | undefined {
  if (line === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { log?: unknown; stream?: unknown; time?: unknown };
  if (typeof o.log !== 'string' || typeof o.time !== 'string') return undefined;
  const stream: LogStream = o.stream === 'stderr' ? 'stderr' : 'stdout';
  const partial = !o.log.endsWith('\n');
  return { time: normalizeLogTime(o.time), stream, text: partial ? o.log : o.log.slice(0, -1), partial };
}

/**
 * Joins split entries, per stream: a partial entry waits for the rest of its
 * line and the whole line keeps the first part's time. `flush()` releases
 * what is still pending (the container ended without a newline).
 */
export class EntryJoiner {
  private pending: Partial<Record<LogStream, LogEntry>> = {};

  push(e: LogEntry): LogEntry | undefined {
    const prev = this.pending[e.stream];
    const whole = prev ? { ...prev, text: prev.text + e.text, partial: e.partial } : e;
    if (whole.partial) {
      this.pending[e.stream] = whole;
      return undefined;
    }
    delete this.pending[e.stream];
    return whole;
  }

  flush(): LogEntry[] {
    const out = Object.values(this.pending).filter((e): e is LogEntry => !!e).map((e) => ({ ...e, partial: false }));
    this.pending = {};
    return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }
}
