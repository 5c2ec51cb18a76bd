// Attached `run`: without a terminal, the container's output is read from
// its log (nothing is lost before we look) and printed as is, stderr to
// stderr, and with -i this process's stdin goes through the shim's attach
// socket, its end closing the container's stdin; with a terminal, the attach
// socket carries raw output and our keystrokes (the local terminal in raw
// mode). Resolves with the exit code.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { parseEntry, type LogEntry } from '../logs/entry.js';
import { splitLines } from '../logs/files.js';
import type { Containers } from '../container/lifecycle.js';
import { ContainerLog } from '../logs/source.js';

export async function attachOneOff(c: Containers, id: string, tty: boolean, interactive = false): Promise<number> {
  const rec = c.resolve(id);
  if (tty) return attachTty(c, rec.socket, rec.logPath, id);
  const input = interactive ? await sendStdin(rec.socket) : undefined;
  const log = new ContainerLog(rec.logPath);
  const print = () => {
    for (const e of log.poll()) (e.stream === 'stderr' ? process.stderr : process.stdout).write(`${e.text}\n`);
  };
  const onSigint = () => void c.stop(id).catch(() => undefined);
  process.on('SIGINT', onSigint);
  try {
    for (const e of log.initial()) (e.stream === 'stderr' ? process.stderr : process.stdout).write(`${e.text}\n`);
    const waiting = c.wait(id);
    let done = false;
    void waiting.finally(() => (done = true));
    while (!done) {
      print();
      await new Promise((r) => setTimeout(r, 50));
    }
    print();
    for (const e of log.flush()) (e.stream === 'stderr' ? process.stderr : process.stdout).write(e.text);
    return (await waiting).exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    log.close();
    input?.();
  }
}

/**
 * Copies this process's stdin to the container through an attach connection
 * that asks for stdinOnce: the end of our input half-closes the connection,
 * and the shim then closes the container's stdin (so `cat` ends). The output
 * the connection carries is not read (it comes from the log, streams apart).
 * Returns the function that lets go of stdin and the connection.
 */
async function sendStdin(socket: string): Promise<() => void> {
  const sock = connect(socket);
  await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  sock.on('error', () => undefined);
  sock.write('{"op":"attach","stdinOnce":true}\n');
  sock.on('data', () => undefined);
  const stdin = process.stdin;
  stdin.pipe(sock);
  return () => {
    stdin.unpipe(sock);
    stdin.pause();
    sock.destroy();
  };
}

function logSize(path: string): number {
  try { return statSync(path).size; } catch { return 0; }
}

/** What the container printed before we attached: complete lines of the log's first `size` bytes. */
function earlyOutput(logPath: string, size: number): string {
  if (size <= 0) return '';
  const fd = openSync(logPath, 'r');
  try {
    const buf = Buffer.alloc(size);
    const n = readSync(fd, buf, 0, size, 0);
    const { lines } = splitLines(buf.subarray(0, n));
    return lines.map(parseEntry).filter((e): e is LogEntry => !!e).map((e) => (e.partial ? e.text : `${e.text}\n`)).join('');
  } finally {
    closeSync(fd);
  }
}

/** What connecting to a shim that has exited, or is closing its socket, fails with. */
const SHIM_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT']);

async function attachTty(c: Containers, socket: string, logPath: string, id: string): Promise<number> {
  // The log's size before attaching: what is in it was printed before the
  // socket could carry it (the rest comes through the socket).
  let before = 0;
  try { before = statSync(logPath).size; } catch { /* nothing logged yet */ }
  const sock = connect(socket);
  // A container that ends at once can have its shim closing its socket before
  // we connect (refused, or reset mid-connect): all of its output is then in the log.
  const connected = await new Promise<boolean>((resolve, reject) => {
    sock.once('connect', () => resolve(true));
    sock.once('error', (e: NodeJS.ErrnoException) => (SHIM_GONE.has(e.code ?? '') ? resolve(false) : reject(e)));
  });
  if (!connected) {
    const code = (await c.wait(id)).exitCode;
    process.stdout.write(earlyOutput(logPath, logSize(logPath)));
    return code;
  }
  sock.write('{"op":"attach"}\n');
  let header = true;
  let ended = false;
  let buf = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    if (!header) return void process.stdout.write(d);
    buf = Buffer.concat([buf, d]);
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return;
    header = false;
    // The shim says how much of the log was written before the attach took
    // effect; when the container had already ended, all of its output is in
    // the log, printed once the shim has finished with it (below).
    let reply: { ok?: boolean; logSize?: number } = {};
    try { reply = JSON.parse(buf.subarray(0, nl).toString()) as typeof reply; } catch { /* an older shim */ }
    if (reply.ok === false) {
      ended = true;
      return;
    }
    const early = earlyOutput(logPath, reply.logSize ?? before);
    if (early) process.stdout.write(early);
    if (nl + 1 < buf.length) process.stdout.write(buf.subarray(nl + 1));
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  const stdin = process.stdin;
  const raw = stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const forward = (d: Buffer) => sock.write(d);
  stdin.on('data', forward);
  stdin.resume();
  const resize = () => {
    const s = connect(socket);
    s.on('error', () => undefined);
    s.end(JSON.stringify({ op: 'resize', rows: process.stdout.rows, cols: process.stdout.columns }) + '\n');
  };
  if (process.stdout.isTTY) { resize(); process.stdout.on('resize', resize); }
  try {
    const code = (await c.wait(id)).exitCode;
    // The last output may still be on its way: the shim closes the connection when it is done.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    // No reply at all: the shim was already closing when we connected.
    if (ended || header) process.stdout.write(earlyOutput(logPath, logSize(logPath)));
    return code;
  } finally {
    stdin.off('data', forward);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    process.stdout.off('resize', resize);
    sock.destroy();
  }
}
