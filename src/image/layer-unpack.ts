// Unpacks one layer tarball (hostile input) into a directory in the overlayfs
// format. Every entry path is cleaned lexically ("/" and ".." are clamped to
// the layer root) and every parent component is checked with lstat to be a
// real directory, so nothing is ever written through a symlink; files are
// opened O_EXCL|O_NOFOLLOW. Hardlinks must point at an existing non-directory
// inside the layer. `.wh.<name>` becomes a whiteout (char device 0:0) and
// `.wh..wh..opq` marks its directory opaque (trusted.overlay.opaque=y).
// The uncompressed stream is hashed on the way and checked against the diff ID.
import { createHash } from 'node:crypto';
import {
  closeSync, constants, fchmodSync, fchownSync, futimesSync, linkSync, lchownSync, lstatSync, lutimesSync,
  mkdirSync, openSync, readSync, rmSync, symlinkSync, chmodSync, writeSync, createReadStream, existsSync,
} from 'node:fs';
import { join } from 'node:path';
import { Duplex, PassThrough, Transform, type Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import tar from 'tar-stream';
import { BerthError } from '../errors.js';
import { lsetxattr, mkWhiteout, mkfifo, mknod } from '../native/fs-ops.js';
import { sniffCompression } from './media-types.js';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';

export type DevicePolicy = 'allow' | 'skip' | 'reject';

export interface UnpackOptions {
  /** The expected sha256 of the uncompressed tar stream. */
  diffId?: string;
  /** What to do with block and character devices (other than whiteouts). Default: skip. */
  devices?: DevicePolicy;
  /** Name used in error messages. */
  what?: string;
}

export interface UnpackResult {
  diffId: string;
  /** Bytes of the uncompressed tar stream. */
  size: number;
  entries: number;
  skipped: string[];
}

class LayerError extends BerthError {}

/** Lexically cleans a tar path into components; ".." never climbs above the root. */
export function cleanComponents(name: string): string[] {
  const out: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out;
}

/** A name whose `..` components climb above the root (cleanComponents would clamp it). */
function escapes(name: string): boolean {
  let depth = 0;
  for (const c of name.split('/')) {
    if (c === '..') { if (--depth < 0) return true; } else if (c !== '' && c !== '.') depth++;
  }
  return false;
}

/** An error text without the store's own paths (the layer directory): they mean nothing to the user. */
function withoutStorePath(message: string, dir: string): string {
  return message.split(`${dir}/`).join('').split(dir).join('.');
}

const ZSTD_PATHS = ['/usr/bin/zstd', '/bin/zstd', '/usr/local/bin/zstd'];

/** zstd through the `zstd` program (Debian's zstd package) where Node has no zstd. */
function zstdProcess(): Duplex {
  const bin = ZSTD_PATHS.find((p) => existsSync(p));
  if (!bin) throw new BerthError(`zstd-compressed layers need Node >= 22.15 or the zstd program (apt-get install zstd)`);
  const child = spawn(bin, ['-dcq'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  // The output ends only once zstd has said the input was good.
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`corrupt zstd stream (${stderr.trim().split('\n')[0] || `zstd exit ${code}`})`));
  });
  child.stdin.on('error', () => { /* zstd quit early: its exit status tells why */ });
  const duplex = Duplex.from({ writable: child.stdin, readable: out });
  duplex.on('close', () => { if (child.exitCode === null) child.kill('SIGTERM'); });
  return duplex;
}

function decompressor(kind: 'gzip' | 'zstd' | 'none'): Duplex | undefined {
  if (kind === 'gzip') return zlib.createGunzip({ chunkSize: 256 << 10 });
  if (kind === 'zstd') {
    const make = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    return make ? make() : zstdProcess();
  }
  return undefined;
}

/** Opens a layer file and returns its decompressed stream. */
export function openLayerStream(path: string): Array<Readable | Duplex> {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  let n: number;
  try { n = readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
  const d = decompressor(sniffCompression(head.subarray(0, n)));
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  return d ? [file, d] : [file];
}

const isRoot = process.geteuid?.() === 0;

class Unpacker {
  private readonly verified = new Set<string>(); // relative dirs known to be real directories
  private dirTimes = new Map<string, Date>();
  entries = 0;
  skipped: string[] = [];

  constructor(private readonly root: string, private readonly opts: UnpackOptions) {}

  private fail(entry: string, why: string): never {
    throw new LayerError(`${this.opts.what ?? 'layer'}: entry "${entry.slice(0, 200)}": ${why}`);
  }

  /** Makes sure every parent of `parts` is a real directory, creating missing ones. */
  private parentDir(entry: string, parts: string[], create: boolean): string {
    let rel = '';
    for (const c of parts.slice(0, -1)) {
      rel = rel ? `${rel}/${c}` : c;
      if (this.verified.has(rel)) continue;
      const abs = join(this.root, rel);
      let st;
      try {
        st = lstatSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e;
        mkdirSync(abs, 0o755);
        this.verified.add(rel);
        continue;
      }
      if (st.isSymbolicLink()) this.fail(entry, 'path goes through a symlink');
      if (!st.isDirectory()) this.fail(entry, `parent "${rel}" is not a directory`);
      this.verified.add(rel);
    }
    return join(this.root, ...parts.slice(0, -1));
  }

  /** Removes whatever is at `rel` (a later entry replaces an earlier one). */
  private clear(rel: string, keepDir: boolean): boolean {
    const abs = join(this.root, rel);
    let st;
    try { st = lstatSync(abs); } catch { return false; }
    if (keepDir && st.isDirectory()) return true;
    rmSync(abs, { recursive: true, force: true });
    if (st.isDirectory()) {
      // Forget everything under the removed directory.
      for (const v of [...this.verified]) if (v === rel || v.startsWith(`${rel}/`)) this.verified.delete(v);
      for (const d of [...this.dirTimes.keys()]) if (d === rel || d.startsWith(`${rel}/`)) this.dirTimes.delete(d);
    }
    return false;
  }

  private owner(path: string, h: tar.Header): void {
    if (isRoot) lchownSync(path, h.uid ?? 0, h.gid ?? 0);
  }

  private xattrs(path: string, h: tar.Header): void {
    const pax = (h as { pax?: Record<string, string> }).pax;
    if (!pax) return;
    for (const [k, v] of Object.entries(pax)) {
      if (!k.startsWith('SCHILY.xattr.')) continue;
      const name = k.slice('SCHILY.xattr.'.length);
      if (name.startsWith('trusted.overlay.')) continue; // overlay metadata comes only from whiteout files
      try {
        lsetxattr(path, name, Buffer.from(v, 'latin1'));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTSUP' && code !== 'EPERM' && code !== 'EOPNOTSUPP') throw e;
      }
    }
  }

  async entry(h: tar.Header, body: AsyncIterable<Buffer>): Promise<void> {
    this.entries++;
    const name = h.name;
    const parts = cleanComponents(name);
    const type = (h.type ?? 'file') as string;
    if (type === 'pax-global-header' || type === 'pax-header' || type === 'gnu-long-path' || type === 'gnu-long-link-path') return;
    if (parts.length === 0) {
      if (type === 'directory') this.dirTimes.set('', h.mtime ?? new Date(0));
      return;
    }
    const base = parts[parts.length - 1];
    if (base.startsWith(WHITEOUT_PREFIX)) return this.whiteout(name, parts, base);
    const parent = this.parentDir(name, parts, true);
    const rel = parts.join('/');
    const abs = join(parent, base);
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = h.mtime ?? new Date(0);
    switch (type) {
      case 'file':
      case 'contiguous-file': {
        this.clear(rel, false);
        // Synchronous calls: measured faster than fs/promises here (one
        // thread-pool round trip per call costs more than the call itself).
        const fd = openSync(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
        try {
          for await (const chunk of body) {
            let off = 0;
            while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
          }
          if (isRoot) fchownSync(fd, h.uid ?? 0, h.gid ?? 0);
          fchmodSync(fd, mode);
          futimesSync(fd, mtime, mtime);
        } finally {
          closeSync(fd);
        }
        this.xattrs(abs, h);
        return;
      }
      case 'directory': {
        if (!this.clear(rel, true)) mkdirSync(abs, 0o700);
        this.owner(abs, h);
        chmodSync(abs, mode); // abs was just checked to be a directory, not a symlink
        this.xattrs(abs, h);
        this.verified.add(rel);
        this.dirTimes.set(rel, mtime);
        return;
      }
      case 'symlink': {
        this.clear(rel, false);
        symlinkSync(h.linkname ?? '', abs);
        this.owner(abs, h);
        lutimesSync(abs, mtime, mtime);
        return;
      }
      case 'link': {
        const linkname = h.linkname ?? '';
        const shown = `"${linkname.slice(0, 200)}"`;
        if (escapes(linkname)) this.fail(name, `hard link to ${shown} points outside the layer`);
        const target = cleanComponents(linkname);
        if (target.length === 0) this.fail(name, 'hardlink to the layer root');
        let tparent: string;
        try {
          tparent = this.parentDir(name, target, false);
        } catch (e) {
          if (e instanceof BerthError) throw e;
          this.fail(name, `hard link to ${shown}: the target does not exist in the layer`);
        }
        const tabs = join(tparent, target[target.length - 1]);
        let st;
        try { st = lstatSync(tabs); } catch { this.fail(name, `hard link to ${shown}: the target does not exist in the layer`); }
        if (st.isDirectory()) this.fail(name, 'hardlink to a directory');
        if (tabs === abs) return;
        this.clear(rel, false);
        // link(2) does not follow a symlink target
        try { linkSync(tabs, abs); } catch (e) { this.fail(name, `hard link to ${shown}: ${(e as NodeJS.ErrnoException).code ?? 'failed'}`); }
        return;
      }
      case 'character-device':
      case 'block-device': {
        const major = h.devmajor ?? 0;
        const minor = h.devminor ?? 0;
        if (type === 'character-device' && major === 0 && minor === 0) {
          this.clear(rel, false);
          mkWhiteout(abs);
          return;
        }
        const policy = this.opts.devices ?? 'skip';
        if (policy === 'reject') this.fail(name, 'device nodes are not allowed in this layer');
        if (policy === 'skip') { this.skipped.push(rel); return; }
        this.clear(rel, false);
        mknod(abs, (type === 'block-device' ? constants.S_IFBLK : constants.S_IFCHR) | mode, major, minor);
        this.owner(abs, h);
        return;
      }
      case 'fifo': {
        this.clear(rel, false);
        mkfifo(abs, mode);
        this.owner(abs, h);
        return;
      }
      default:
        this.skipped.push(rel);
    }
  }

  private whiteout(name: string, parts: string[], base: string): void {
    const parent = this.parentDir(name, parts, true);
    if (base === OPAQUE_MARKER) {
      lsetxattr(parent, OVERLAY_OPAQUE_XATTR, 'y');
      return;
    }
    if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // aufs metadata (.wh..wh.plnk etc.)
    const hidden = base.slice(WHITEOUT_PREFIX.length);
    if (hidden === '' || hidden === '.' || hidden === '..') this.fail(name, 'malformed whiteout');
    const rel = [...parts.slice(0, -1), hidden].join('/');
    this.clear(rel, false);
    mkWhiteout(join(parent, hidden));
  }

  /** Directory times last, deepest first, since creating children changes them. */
  finish(): void {
    const dirs = [...this.dirTimes.entries()].sort((a, b) => b[0].length - a[0].length);
    for (const [rel, t] of dirs) lutimesSync(rel ? join(this.root, rel) : this.root, t, t);
  }
}

/**
 * Unpacks the layer file at `src` (tar, tar+gzip or tar+zstd) into `dest`,
 * an existing empty directory. Throws LayerError on hostile content and
 * DigestMismatch-style BerthError when the diff ID does not match; the caller
 * owns `dest` and removes it on failure.
 */
export async function unpackLayer(src: string, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const extract = tar.extract();
  const u = new Unpacker(dest, opts);
  const feeding = pipeline([...openLayerStream(src), tap, extract]);
  const consuming = (async () => {
    for await (const entry of extract) {
      await u.entry(entry.header, entry as unknown as AsyncIterable<Buffer>);
      entry.resume();
    }
  })();
  try {
    await Promise.all([feeding, consuming]);
  } catch (e) {
    extract.destroy();
    await Promise.allSettled([feeding, consuming]);
    if (e instanceof BerthError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || /Unexpected end|Invalid tar header|invalid/i.test((e as Error).message)) {
      throw new LayerError(`${opts.what ?? 'layer'}: corrupt tarball (${(e as Error).message})`);
    }
    // Anything else that a crafted tarball can provoke (odd names, a type
    // clash between entries) is still a bad layer, not a crash.
    throw new LayerError(`${opts.what ?? 'layer'}: cannot unpack: ${withoutStorePath((e as Error).message, dest)}`);
  }
  u.finish();
  const diffId = 'sha256:' + hash.digest('hex');
  if (opts.diffId && opts.diffId !== diffId) {
    throw new LayerError(`digest mismatch for ${opts.what ?? 'layer'}: diff ID should be ${opts.diffId}, content is ${diffId}`);
  }
  return { diffId, size, entries: u.entries, skipped: u.skipped };
}
