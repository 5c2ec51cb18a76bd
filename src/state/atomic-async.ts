// writeFileAtomic (atomic.ts) off the JS thread: the same temp file, write,
// fsync (when durable), rename, but each step on libuv's thread pool. The
// containers of one `up` write their bundle, /etc files and records this
// way, so their fsyncs overlap (the disk batches them) instead of queueing
// on the main thread one after another.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WriteOptions } from './atomic.js';

export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const { mode = 0o644, durable = true } = options;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}

export function writeJsonAtomicAsync(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  return writeFileAtomicAsync(path, JSON.stringify(value, null, 2) + '\n', options);
}
