// What commands print, written straight to fd 1 and 2. Node's
// process.stdout and process.stderr are streams made on first use (~3-5 ms:
// the stream, net or tty modules behind them), and a reader that goes away
// (`berth config | head -1`) made them throw EPIPE as an unhandled 'error'
// with a Node stack trace. Here a write is a writeSync: the same order as the
// streams give on Linux (synchronous there for files, pipes and terminals),
// and a broken pipe drops that stream's output from then on, quietly, so the
// command still finishes what it was doing (an `up` whose reader left does
// not stop half-way). Commands that follow output forever end on a broken
// pipe instead (exitOnBrokenPipe).
import { fstatSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

type Fd = 1 | 2;

/** Per fd: 'direct' (writeSync), 'stream' (handed to Node's stream after EAGAIN), or 'gone' (EPIPE). */
const mode: Record<Fd, 'direct' | 'stream' | 'gone'> = { 1: 'direct', 2: 'direct' };
let exitOnEpipe = false;

const streamOf = (fd: Fd) => (fd === 1 ? process.stdout : process.stderr);

function write(fd: Fd, data: string | Uint8Array): void {
  if (mode[fd] === 'gone') return;
  if (mode[fd] === 'stream') {
    streamOf(fd).write(data);
    return;
  }
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      if (exitOnEpipe) process.exit(0);
      mode[fd] = 'gone';
      return;
    }
    // A non-blocking descriptor (inherited so) that is full: Node's stream waits for it, and keeps the order from now on.
    if (code !== 'EAGAIN') throw e;
    mode[fd] = 'stream';
    streamOf(fd).write(buf.subarray(off));
  }
}

/** Prints to standard output. */
export function writeOut(data: string | Uint8Array): void {
  write(1, data);
}

/** Prints to standard error (progress, warnings, errors). */
export function writeErr(data: string | Uint8Array): void {
  write(2, data);
}

/** `berth logs -f | head`: a reader that went away ends the command quietly (exit 0), as in other CLIs. */
export function exitOnBrokenPipe(): void {
  exitOnEpipe = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

/**
 * Whether fd 1 or 2 is a terminal. Neither Node's stream for it nor node:tty
 * (each ~4 ms, as both load node:net) where it cannot be one: a pipe, a file,
 * or a memory device such as /dev/null (character devices of major 1).
 */
export function isTerminal(fd: Fd): boolean {
  let st;
  try { st = fstatSync(fd); } catch { return false; }
  if (!st.isCharacterDevice() || st.rdev >> 8 === 1) return false;
  return isatty(fd);
}
