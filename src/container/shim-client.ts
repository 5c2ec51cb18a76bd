// Talking to berth-shim: starting it detached and reading its one-line
// report from fd 3, and the control socket (one JSON line each way).
import { connect, type Socket } from 'node:net';
import { BerthError } from '../errors.js';
import { readLine, spawnDetached, type DetachedChild, type LineRead } from '../native/spawn.js';

const REPORT_TIMEOUT_MS = 60_000;
/** The longest report line read: past it the report is refused as unexpected. */
const REPORT_MAX = 4096;

/**
 * Starts the shim detached (its own session; it outlives this process) and
 * waits for `ok <pid>` or `error <message>` on fd 3. Returns the container's pid.
 * The spawn is a posix_spawn on the addon's worker thread, not a fork of Node.
 */
export async function spawnShim(shim: string, args: string[], timeoutMs = REPORT_TIMEOUT_MS): Promise<number> {
  let child: DetachedChild;
  try {
    child = await spawnDetached(shim, [shim, ...args]);
  } catch (e) {
    throw new BerthError(`cannot start berth-shim ${shim}: ${(e as Error).message}`);
  }
  return readReport(child, timeoutMs);
}

/** Reads the one report line from the pipe; the pipe's end without one means the shim died first. */
async function readReport(child: DetachedChild, timeoutMs: number): Promise<number> {
  let read: LineRead;
  try {
    read = await readLine(child.fd, REPORT_MAX, timeoutMs);
  } catch (e) {
    throw new BerthError(`reading berth-shim's report: ${(e as Error).message}`);
  }
  if (read.timedOut) throw new BerthError(`berth-shim did not report within ${timeoutMs / 1000}s`);
  if (!read.complete && read.text.length < REPORT_MAX) throw new BerthError(`berth-shim exited without reporting${child.status !== 0 ? ` (exit status ${child.status})` : ''}`);
  const m = /^ok (\d+)$/.exec(read.text);
  if (m) return Number(m[1]);
  if (read.text.startsWith('error ')) throw new BerthError(read.text.slice(6));
  throw new BerthError(`berth-shim sent an unexpected report: ${JSON.stringify(read.text.slice(0, 200))}`);
}

export interface ShimResponse { ok: boolean; error?: string; [k: string]: unknown }

/** One request on the control socket. Rejects with code ENOENT/ECONNREFUSED when no shim listens. */
export function shimRequest(socket: string, req: Record<string, unknown>, timeoutMs = 30_000): Promise<ShimResponse> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = '';
    let done = false;
    const finish = (err?: Error, res?: ShimResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const timer = setTimeout(() => finish(new BerthError(`berth-shim did not answer ${String(req.op)} within ${timeoutMs / 1000}s`)), timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        finish(undefined, JSON.parse(buf.slice(0, nl)) as ShimResponse);
      } catch {
        finish(new BerthError(`berth-shim sent a malformed answer: ${JSON.stringify(buf.slice(0, 200))}`));
      }
    });
    s.on('error', (e) => finish(e));
    s.on('end', () => finish(Object.assign(new Error('berth-shim closed the connection without answering'), { code: 'ECONNRESET' })));
  });
}

/**
 * Attaches to the container's stdio through the shim: resolves with the
 * socket once the shim accepted, after which the socket carries raw output
 * (reads) and input (writes, with stdin_open).
 */
export function shimAttach(socket: string, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new BerthError('berth-shim did not answer attach')), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      s.destroy();
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      s.off('data', onData);
      s.off('error', fail);
      clearTimeout(timer);
      let res: ShimResponse;
      try {
        res = JSON.parse(buf.subarray(0, nl).toString('utf8')) as ShimResponse;
      } catch {
        return fail(new BerthError('berth-shim sent a malformed attach answer'));
      }
      if (!res.ok) return fail(new BerthError(`attach: ${res.error ?? 'refused'}`));
      const rest = buf.subarray(nl + 1);
      if (rest.length) s.unshift(rest); // output that arrived with the answer
      resolve(s);
    };
    s.on('connect', () => s.write('{"op":"attach"}\n'));
    s.on('data', onData);
    s.on('error', fail);
  });
}
