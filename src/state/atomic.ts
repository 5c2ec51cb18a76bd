// Records are written atomically: a temporary file in the same directory,
// fsync, rename. A reader sees the old or the new file, never a torn one,
// and a killed writer leaves at most a temp file. As Docker's atomic writer,
// the directory is not fsynced: after a power loss a record may be its
// previous version, never empty or torn (the file's data was synced before
// the rename). Runtime files that do not outlive a reboot (`durable: false`)
// skip the fsync too: ~5 ms each on this disk, dozens per `up`.
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { promisify } from 'node:util';
import { BerthError } from '../errors.js';

export interface WriteOptions {
  /** File mode of a new file (default 0o644). */
  mode?: number;
  /** fsync the data before the rename (default true). */
  durable?: boolean;
}

/** The temporary file beside `path` that a write fills before the rename. */
function tempFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

const isMissingDir = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Opens the temporary file, making its directory only when the open finds it
 * missing: the directory nearly always exists, and a mkdir per write was a
 * syscall (and a path walk) on every record of an `up`.
 */
function openTemp(tmp: string, mode: number): number {
  try {
    return openSync(tmp, 'w', mode);
  } catch (e) {
    if (!isMissingDir(e)) throw e;
    mkdirSync(dirname(tmp), { recursive: true });
    return openSync(tmp, 'w', mode);
  }
}

// node:fs's callback fsync promisified, not node:fs/promises: loading that module costs a command ~5 ms.
const fsyncP = promisify(fsync);

/** The temporary file beside `path`, filled with `data` (removed again should the write fail). */
function fillTemp(path: string, data: string | Uint8Array, mode: number): { tmp: string; fd: number } {
  const tmp = tempFor(path);
  const fd = openTemp(tmp, mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    discard(fd, tmp);
    throw e;
  }
  return { tmp, fd };
}

function discard(fd: number, tmp: string): void {
  closeSync(fd);
  rmSync(tmp, { force: true });
}

export function writeFileAtomic(path: string, data: string | Uint8Array, options: number | WriteOptions = {}): void {
  const { mode = 0o644, durable = true } = typeof options === 'number' ? { mode: options } : options;
  const { tmp, fd } = fillTemp(path, data, mode);
  try {
    if (durable) fsyncSync(fd);
  } catch (e) {
    discard(fd, tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export function writeJsonAtomic(path: string, value: unknown, options: WriteOptions = {}): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options);
}

/**
 * writeFileAtomic with its fsync on the thread pool: the event loop serves
 * the other containers of an `up` while the disk syncs. The rest (open,
 * write, close, rename: tens of microseconds) stays on the JS thread, so the
 * write costs one trip through the event loop, not one per call: under a
 * busy event loop each trip waits behind the other containers' work (a
 * record written under the network lock held it 1-5 ms longer that way).
 * Unsynced writes complete at once. The same guarantees once the promise resolves.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const { mode = 0o644, durable = true } = options;
  const { tmp, fd } = fillTemp(path, data, mode);
  try {
    if (durable) await fsyncP(fd);
  } catch (e) {
    discard(fd, tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export async function writeJsonAtomicAsync(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomicAsync(path, JSON.stringify(value, null, 2) + '\n', options);
}

/**
 * A record that exists but cannot be read (truncated, garbled, the wrong
 * shape): one line naming the file, never a SyntaxError with a stack.
 */
export class CorruptRecordError extends BerthError {
  constructor(readonly path: string, reason: string) {
    super(`unreadable record ${path}: ${reason}`);
    this.name = 'CorruptRecordError';
  }
}

export function isCorruptRecord(e: unknown): e is CorruptRecordError {
  return e instanceof CorruptRecordError;
}

/**
 * Reads a JSON record; undefined when the file does not exist. A file that
 * is not JSON, or whose value fails `valid` (default: a JSON object), is a
 * CorruptRecordError.
 */
export function readJson<T>(path: string, valid: (v: unknown) => boolean = isJsonObject): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CorruptRecordError(path, text.trim() === '' ? 'the file is empty' : 'not valid JSON (truncated or garbled)');
  }
  if (!valid(value)) throw new CorruptRecordError(path, 'not the expected record (garbled)');
  return value as T;
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object whose values are all strings (labels, leases, references). */
export function isStringMap(v: unknown): v is Record<string, string> {
  return isJsonObject(v) && Object.values(v).every((x) => typeof x === 'string');
}
