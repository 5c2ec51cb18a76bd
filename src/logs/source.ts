// One container's log as a source of joined entries: its rotated files and
// the current file on first read (all of it, or the last N lines), then what
// is appended, across rotations, restarts and truncations.
import { EntryJoiner, parseEntry, type LogEntry } from './entry.js';
import { append, LogCursor, readAllLines, readLastLines, rotatedFiles } from './files.js';

export class ContainerLog {
  private cursor: LogCursor;
  private joiner = new EntryJoiner();

  constructor(readonly logPath: string) {
    this.cursor = new LogCursor(logPath);
  }

  /** Everything already written, or only the last `tail` lines (undefined: all). */
  initial(tail?: number): LogEntry[] {
    const lines: string[] = [];
    if (tail === undefined) {
      for (const f of rotatedFiles(this.logPath)) append(lines, readAllLines(f));
      this.cursor.open(0);
      append(lines, this.cursor.read());
    } else {
      const found = this.cursor.openTail(tail);
      const current = this.cursor.read();
      let missing = tail - found;
      const older: string[][] = [];
      for (const f of rotatedFiles(this.logPath).reverse()) {
        if (missing <= 0) break;
        const got = readLastLines(f, missing);
        older.unshift(got);
        missing -= got.length;
      }
      for (const o of older) append(lines, o);
      append(lines, current.slice(-tail));
    }
    return this.join(lines);
  }

  /** Entries appended since the last read. */
  poll(): LogEntry[] {
    return this.join(this.cursor.read());
  }

  /** Lines that were left without their end (the container exited mid-line). */
  flush(): LogEntry[] {
    return this.joiner.flush();
  }

  close(): void {
    this.cursor.close();
  }

  private join(lines: string[]): LogEntry[] {
    const out: LogEntry[] = [];
    for (const l of lines) {
      const e = parseEntry(l);
      if (!e) continue;
      const whole = this.joiner.push(e);
      if (whole) out.push(whole);
    }
    return out;
  }
}
