// A minimal follower of the shim's json-file logs for `up` in attached mode:
// polls each container's <id>-json.log from an offset, survives rotation
// (a shorter or replaced file is read again from its start), and hands every
// complete line to the caller with its container. The full `logs` command
// (since/until/tail, interleaving by time) lives beside it.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface LogLine {
  container: string;
  stream: 'stdout' | 'stderr';
  time: string;
  text: string;
}

export interface FollowTarget {
  /** The name shown in the prefix (e.g. web-1). */
  container: string;
  logPath: string;
  /** Start at the current end of the file instead of its beginning. */
  fromEnd?: boolean;
  /** Skip lines logged before this instant (ms since the epoch). */
  sinceMs?: number;
}

interface Cursor { t: FollowTarget; offset: number; ino?: number; rest: string }

function parse(raw: string, container: string): LogLine | undefined {
  try {
    const j = JSON.parse(raw) as { log?: string; stream?: string; time?: string };
    if (typeof j.log !== 'string') return undefined;
    return { container, stream: j.stream === 'stderr' ? 'stderr' : 'stdout', time: j.time ?? '', text: j.log.replace(/\n$/, '') };
  } catch {
    return undefined; // a torn line at the end: read again next time
  }
}

export class LogFollower {
  private readonly cursors: Cursor[] = [];
  private timer?: NodeJS.Timeout;
  constructor(private readonly onLine: (l: LogLine) => void, private readonly intervalMs = 100) {}

  add(t: FollowTarget): void {
    if (this.cursors.some((c) => c.t.logPath === t.logPath)) return;
    let offset = 0;
    let ino: number | undefined;
    try { const st = statSync(t.logPath); ino = st.ino; if (t.fromEnd) offset = st.size; } catch { /* not written yet */ }
    this.cursors.push({ t, offset, ino, rest: '' });
  }

  start(): void {
    const tick = () => { this.poll(); this.timer = setTimeout(tick, this.intervalMs); };
    tick();
  }

  /** Reads what is left, then stops. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.poll();
  }

  poll(): void {
    for (const c of this.cursors) this.read(c);
  }

  private read(c: Cursor): void {
    let st;
    try { st = statSync(c.t.logPath); } catch { return; }
    if (st.ino !== c.ino || st.size < c.offset) { c.ino = st.ino; c.offset = 0; c.rest = ''; }
    if (st.size === c.offset) return;
    const fd = openSync(c.t.logPath, 'r');
    try {
      const buf = Buffer.alloc(Math.min(st.size - c.offset, 1 << 20));
      const n = readSync(fd, buf, 0, buf.length, c.offset);
      c.offset += n;
      const text = c.rest + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      c.rest = lines.pop() ?? '';
      for (const raw of lines) {
        if (!raw) continue;
        const l = parse(raw, c.t.container);
        if (l && !(c.t.sinceMs && Date.parse(l.time) < c.t.sinceMs)) this.onLine(l);
      }
    } finally {
      closeSync(fd);
    }
  }
}

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export interface PrefixOptions { color: boolean; prefix: boolean; timestamps: boolean }

/** `web-1  | text`, names padded to the widest, one colour per container (as docker compose prints). */
export function lineFormatter(names: string[], o: PrefixOptions): (l: LogLine) => string {
  const width = Math.max(0, ...names.map((n) => n.length));
  const colour = new Map(names.map((n, i) => [n, COLORS[i % COLORS.length]!]));
  return (l) => {
    const ts = o.timestamps && l.time ? `${l.time} ` : '';
    if (!o.prefix) return `${ts}${l.text}\n`;
    const p = `${l.container.padEnd(width)}  | `;
    const c = colour.get(l.container) ?? 37;
    return `${o.color ? `\x1b[${c}m${p}\x1b[0m` : p}${ts}${l.text}\n`;
  };
}
