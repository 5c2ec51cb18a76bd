// A container's log files: <log>.N … <log>.1 (rotated, oldest first) and
// <log> itself, read whole, from the end (--tail), or followed across
// rotation and truncation by a cursor that keeps the file open.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Rotated files of `log`, oldest first (the highest suffix is the oldest). */
export function rotatedFiles(log: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(log));
  } catch {
    return [];
  }
  const base = basename(log);
  const re = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)$`);
  return names
    .map((n) => ({ n, k: Number(re.exec(n)?.[1] ?? NaN) }))
    .filter((x) => Number.isInteger(x.k) && x.k > 0)
    .sort((a, b) => b.k - a.k)
    .map((x) => join(dirname(log), x.n));
}

const CHUNK = 64 * 1024;

/** Reads bytes [from, to) of an open file. */
function readRange(fd: number, from: number, to: number): Buffer {
  const buf = Buffer.alloc(Math.max(0, to - from));
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, from + off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/** Appends without spreading (spread arguments overflow the stack past ~100k lines). */
export function append<T>(to: T[], from: T[]): void {
  for (const x of from) to.push(x);
}

/** Complete lines of a buffer, and the bytes after the last newline. */
export function splitLines(buf: Buffer): { lines: string[]; rest: Buffer } {
  const last = buf.lastIndexOf(0x0a);
  if (last < 0) return { lines: [], rest: buf };
  const lines = buf.subarray(0, last).toString('utf8').split('\n');
  return { lines, rest: buf.subarray(last + 1) };
}

/**
 * The offset at which the last `n` complete lines of the first `size` bytes
 * of `fd` start, scanning back in chunks; `found` < n when the file is shorter.
 */
export function tailOffset(fd: number, size: number, n: number): { offset: number; found: number } {
  if (n <= 0) return { offset: size, found: 0 };
  // c newlines seen from the end: the c-1 complete lines after the c-th one
  // are counted (bytes after the last newline are a line still being written).
  let c = 0;
  let pos = size;
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const buf = readRange(fd, start, pos);
    for (let i = buf.length - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue;
      c++;
      if (c - 1 === n) return { offset: start + i + 1, found: n };
    }
    pos = start;
  }
  return { offset: 0, found: c };
}

/** All complete lines of a file (a missing file has none). */
export function readAllLines(path: string): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    return splitLines(readRange(fd, 0, size)).lines;
  } finally {
    closeSync(fd);
  }
}

/** The last `n` lines of a file. */
export function readLastLines(path: string, n: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const { offset } = tailOffset(fd, size, n);
    return splitLines(readRange(fd, offset, size)).lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Follows one log path: reads what was appended since the last call, then
 * notices a rotation (the path names another inode: the old file is read to
 * its end first) or a truncation (the file got shorter than what was read).
 */
export class LogCursor {
  private fd: number | undefined;
  private ino = -1;
  private pos = 0;
  private rest: Buffer = Buffer.alloc(0);
  /** The last bytes before `pos`, to notice a truncation that was followed by as many new bytes. */
  private seenTail: Buffer = Buffer.alloc(0);

  constructor(readonly path: string) {}

  /** Opens the file (if it exists) and places the cursor at `offset` (default 0). */
  open(offset?: 'end' | number): void {
    this.close();
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      this.fd = undefined;
      return;
    }
    const st = fstatSync(this.fd);
    this.ino = st.ino;
    this.pos = offset === 'end' ? st.size : offset ?? 0;
    this.rest = Buffer.alloc(0);
    this.remember();
  }

  private remember(): void {
    this.seenTail = this.fd === undefined ? Buffer.alloc(0) : Buffer.from(readRange(this.fd, Math.max(0, this.pos - 64), this.pos));
  }

  private truncated(size: number): boolean {
    if (size < this.pos) return true;
    if (this.seenTail.length === 0) return false;
    return !readRange(this.fd!, this.pos - this.seenTail.length, this.pos).equals(this.seenTail);
  }

  /** Opens at the start of the last `n` lines; returns how many lines it found. */
  openTail(n: number): number {
    this.open(0);
    if (this.fd === undefined) return 0;
    const size = fstatSync(this.fd).size;
    const t = tailOffset(this.fd, size, n);
    this.pos = t.offset;
    this.remember();
    return t.found;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** Complete lines appended since the last read (following a rotation or truncation). */
  read(): string[] {
    if (this.fd === undefined) {
      this.open(0);
      if (this.fd === undefined) return [];
    }
    const out: string[] = [];
    for (let guard = 0; guard < 4; guard++) {
      const size = fstatSync(this.fd!).size;
      if (this.truncated(size)) {
        // Truncated in place (max-file 1): start again from the top.
        this.pos = 0;
        this.rest = Buffer.alloc(0);
        this.seenTail = Buffer.alloc(0);
      }
      if (size > this.pos) {
        const buf = Buffer.concat([this.rest, readRange(this.fd!, this.pos, size)]);
        this.pos = size;
        this.remember();
        const { lines, rest } = splitLines(buf);
        append(out, lines);
        this.rest = rest;
      }
      let now: number | undefined;
      try {
        now = statSync(this.path).ino;
      } catch {
        now = undefined; // between rename and re-create: the next poll sees the new file
      }
      if (now === undefined || now === this.ino) break;
      // Rotated: what we hold is now <log>.1 and complete; continue with the new file.
      this.open(0);
      if (this.fd === undefined) break;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
