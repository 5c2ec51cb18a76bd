// Reading the project's input files (compose files, .env and env_file files):
// regular files only, read up to a size cap. A FIFO given as a compose or env
// file would block the read forever and /dev/zero would grow memory without
// end; both are refused with one line that names the file. The open itself
// is non-blocking, so that opening a FIFO with no writer does not hang.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ComposeError } from './errors.js';
import { MAX_COMPOSE_BYTES } from './text-guard.js';

/** The largest input file read (compose and env files alike). */
export const MAX_INPUT_BYTES = MAX_COMPOSE_BYTES;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads at most `cap` + 1 bytes from `fd` (the extra byte tells an over-long input). */
function readCapped(fd: number, cap: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(64 * 1024, cap + 1 - total));
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      // A non-blocking stdin with nothing yet: wait a little and read again.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); continue; }
      throw e;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > cap) break;
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(what: string, cap: number): ComposeError {
  return new ComposeError(`${what} is larger than the ${cap / (1024 * 1024)} MiB limit`);
}

/**
 * The content of `path`, a regular file of at most `cap` bytes. `what` names
 * the file's role in the errors ("compose file", "env file").
 */
export function readInputFile(path: string, what: string, cap = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ComposeError(code === 'ENOENT' ? `${what} ${path} not found` : `cannot read ${what} ${path}: ${code ?? String(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ComposeError(`${what} ${path} is ${kindOf(st)}, not a regular file`);
    if (st.size > cap) throw tooLarge(`${what} ${path}`, cap);
    const buf = readCapped(fd, cap);
    if (buf.length > cap) throw tooLarge(`${what} ${path}`, cap); // it grew while read
    return buf;
  } catch (e) {
    if (e instanceof ComposeError) throw e;
    throw new ComposeError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** Standard input (`-f -`): a pipe or a file, read up to the same cap. */
export function readStdin(what = 'compose file from stdin', cap = MAX_INPUT_BYTES): Buffer {
  const buf = readCapped(0, cap);
  if (buf.length > cap) throw tooLarge(what, cap);
  return buf;
}
