// Content-addressed blobs: blobs/sha256/<hex>. A blob is written to a
// temporary file while its digest is computed, checked against the digest it
// is expected to have, fsynced and renamed into place: a reader never sees a
// partial or wrong blob under a digest name.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { checkDigest, hex } from './digest.js';

class DigestMismatchError extends BerthError {
  constructor(what: string, expected: string, actual: string) {
    super(`digest mismatch for ${what}: expected ${expected}, got ${actual}`);
  }
}

export interface WrittenBlob {
  digest: string;
  size: number;
}

export class BlobStore {
  readonly dir: string;
  readonly tmpDir: string;

  constructor(root: string) {
    this.dir = join(root, 'blobs', 'sha256');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
  }

  path(digest: string): string {
    return join(this.dir, hex(checkDigest(digest)));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  size(digest: string): number {
    return statSync(this.path(digest)).size;
  }

  read(digest: string): Buffer {
    try {
      return readFileSync(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BerthError(`blob ${digest} is missing from the image store`);
      throw e;
    }
  }

  readJson<T>(digest: string): T {
    const data = this.read(digest);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch {
      throw new BerthError(`blob ${digest} is not valid JSON`);
    }
  }

  stream(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  /** All stored digests. */
  list(): string[] {
    return readdirSync(this.dir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  remove(digest: string): void {
    rmSync(this.path(digest), { force: true });
  }

  /** A temp file name in the store's tmp dir, tagged with our pid for clean-up. */
  tempName(tag: string): string {
    return join(this.tmpDir, `${process.pid}-${tag}-${Math.random().toString(36).slice(2, 10)}`);
  }

  /** Writes bytes; when `expected` is given the content must hash to it. */
  writeBytes(data: Uint8Array, expected?: string, what = 'blob'): WrittenBlob {
    const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
    if (expected && expected !== digest) throw new DigestMismatchError(what, expected, digest);
    if (this.has(digest)) return { digest, size: data.length };
    const tmp = this.tempName('blob');
    const fd = openSync(tmp, 'w', 0o644);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.commit(tmp, digest);
    return { digest, size: data.length };
  }

  /**
   * Streams a blob in. With `resumeFrom`, the bytes already in that partial
   * file are hashed first and the stream appends to it.
   */
  async writeStream(source: AsyncIterable<Uint8Array>, opts: { expected?: string; expectedSize?: number; what?: string; partial?: string; onBytes?: (n: number) => void } = {}): Promise<WrittenBlob> {
    const what = opts.what ?? 'blob';
    const hash = createHash('sha256');
    const tmp = opts.partial ?? this.tempName('blob');
    let size = 0;
    if (opts.partial && existsSync(opts.partial)) {
      for await (const chunk of createReadStream(opts.partial)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
    const fh = await open(tmp, size > 0 ? 'a' : 'w', 0o644);
    let ok = false;
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        if (opts.expectedSize !== undefined && size > opts.expectedSize) throw new BerthError(`${what} is larger than its declared size ${opts.expectedSize}`);
        await fh.write(chunk);
        opts.onBytes?.(chunk.length);
      }
      await fh.sync();
      ok = true;
    } finally {
      await fh.close();
      // A kept partial file lets the next attempt resume; a bad one goes.
      if (!ok && !opts.partial) rmSync(tmp, { force: true });
    }
    const digest = 'sha256:' + hash.digest('hex');
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      rmSync(tmp, { force: true });
      throw new BerthError(`${what} has ${size} bytes, expected ${opts.expectedSize}`);
    }
    if (opts.expected && digest !== opts.expected) {
      rmSync(tmp, { force: true });
      throw new DigestMismatchError(what, opts.expected, digest);
    }
    this.commit(tmp, digest);
    return { digest, size };
  }

  /** Moves a file of the store's tmp dir in as a blob, after hashing it. */
  async adoptFile(path: string, expected?: string, what = 'blob'): Promise<WrittenBlob> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path)) { hash.update(chunk as Buffer); size += (chunk as Buffer).length; }
    const digest = 'sha256:' + hash.digest('hex');
    if (expected && digest !== expected) throw new DigestMismatchError(what, expected, digest);
    this.commit(path, digest);
    return { digest, size };
  }

  private commit(tmp: string, digest: string): void {
    renameSync(tmp, this.path(digest));
  }
}
