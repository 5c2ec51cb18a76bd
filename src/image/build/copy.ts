// The file side of COPY and ADD, done in the step's mounted root filesystem:
// destination paths resolved inside it (symlinks followed, never out of it),
// missing parents made (root, 0755), files copied with their mode and mtime,
// symlinks as symlinks, ownership from --chown (else root for the context,
// kept for --from and archives), --chmod applied. ADD extracts a local tar
// archive (plain or gzip) into the destination.
import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, constants, copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync,
  readSync, rmSync, symlinkSync, utimesSync, writeFileSync, type Stats,
} from 'node:fs';
import { basename, join, posix } from 'node:path';
import { gunzipSync, constants as zc } from 'node:zlib';
import { secureJoin } from '../../secure-join.js';
import { unpackLayer } from '../layer-unpack.js';
import { walkEntries, type SourceEntry, type SourceTree } from './context.js';

export interface Ownership {
  uid?: number;
  gid?: number;
  /** --chmod for files and directories copied. */
  mode?: number;
  /** Keep the source's uid/gid when no --chown (--from, archives). */
  keepOwner: boolean;
}

/** The host path of container path `p` in `rootfs` (parents followed inside it). */
export function inRoot(rootfs: string, p: string): string {
  return secureJoin(rootfs, p);
}

/** mkdir -p inside the rootfs; made directories are root-owned 0755 (or the --chown owner for the destination itself). */
export function mkdirInRoot(rootfs: string, p: string, owner?: { uid: number; gid: number }): string {
  const parts = posix.normalize(p).split('/').filter(Boolean);
  let cur = '/';
  for (let i = 0; i < parts.length; i++) {
    cur = posix.join(cur, parts[i]!);
    const host = inRoot(rootfs, cur);
    let st: Stats | undefined;
    try { st = lstatSync(host); } catch { st = undefined; }
    if (st?.isDirectory()) continue;
    if (st) rmSync(host, { force: true });
    mkdirSync(host, { mode: 0o755 });
    chmodSync(host, 0o755);
    if (owner && i === parts.length - 1) lchownSync(host, owner.uid, owner.gid);
  }
  return inRoot(rootfs, p);
}

function place(src: SourceEntry, dst: string, own: Ownership): void {
  const st = src.st;
  const uid = own.uid ?? (own.keepOwner ? st.uid : 0);
  const gid = own.gid ?? (own.keepOwner ? st.gid : 0);
  let existing: Stats | undefined;
  try { existing = lstatSync(dst); } catch { existing = undefined; }
  if (st.isDirectory()) {
    if (existing && !existing.isDirectory()) rmSync(dst, { force: true });
    if (!existing?.isDirectory()) mkdirSync(dst);
    chmodSync(dst, own.mode ?? (st.mode & 0o7777));
    lchownSync(dst, uid, gid);
    utimesSync(dst, st.atime, st.mtime);
    return;
  }
  if (existing) rmSync(dst, { recursive: true, force: true });
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src.abs), dst);
    lchownSync(dst, uid, gid);
    lutimesSync(dst, st.atime, st.mtime);
  } else if (st.isFile()) {
    copyFileSync(src.abs, dst, constants.COPYFILE_FICLONE);
    lchownSync(dst, uid, gid);
    chmodSync(dst, own.mode ?? (st.mode & 0o7777));
    utimesSync(dst, st.atime, st.mtime);
  }
  // fifos, sockets and devices are not copied (as docker build)
}

/**
 * Copies one resolved source to container path `dest`. A directory source
 * copies its contents; a file goes to dest/<name> when `destIsDir`.
 */
export function copySource(tree: SourceTree, src: SourceEntry, rootfs: string, dest: string, destIsDir: boolean, own: Ownership, exclude: RegExp[] = []): void {
  const owner = own.uid !== undefined ? { uid: own.uid, gid: own.gid ?? own.uid } : undefined;
  if (src.st.isDirectory()) {
    const root = mkdirInRoot(rootfs, dest, owner);
    walkEntries(tree, src, (e, sub) => {
      // An entry kept by a .dockerignore exception under an ignored directory: its parents are made.
      if (sub.includes('/')) mkdirSync(join(root, posix.dirname(sub)), { recursive: true, mode: 0o755 });
      place(e, join(root, sub), own);
    }, exclude);
    return;
  }
  const target = destIsDir ? posix.join(dest, basename(src.rel || src.abs)) : dest;
  const parent = posix.dirname(target);
  mkdirInRoot(rootfs, parent);
  place(src, join(inRoot(rootfs, parent), posix.basename(target)), own);
}

/** A heredoc (`COPY <<EOF /path`) as a file. */
export function writeHeredoc(rootfs: string, dest: string, content: string, own: Ownership): void {
  mkdirInRoot(rootfs, posix.dirname(dest));
  const host = join(inRoot(rootfs, posix.dirname(dest)), posix.basename(dest));
  rmSync(host, { recursive: true, force: true });
  writeFileSync(host, content, { mode: 0o644 });
  chmodSync(host, own.mode ?? 0o644);
  lchownSync(host, own.uid ?? 0, own.gid ?? 0);
}

/** True for a local tar archive (plain or gzip), told by its content as docker does. */
export function isTarArchive(path: string, st: Stats): boolean {
  if (!st.isFile() || st.size < 20) return false;
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(Math.min(st.size, 65536));
  try { readSync(fd, head, 0, head.length, 0); } finally { closeSync(fd); }
  let tarHead = head;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    try { tarHead = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH }); } catch { return false; }
  }
  return tarHead.length >= 263 && tarHead.subarray(257, 262).toString() === 'ustar';
}

/** ADD of an archive: unpacked (hostile-input rules) in a scratch dir, then copied in keeping its owners. */
export async function extractArchive(src: SourceEntry, scratchParent: string, rootfs: string, dest: string, own: Ownership): Promise<void> {
  const scratch = join(scratchParent, `x-${randomBytes(4).toString('hex')}`);
  mkdirSync(scratch, { recursive: true });
  try {
    await unpackLayer(src.abs, scratch, { devices: 'skip', what: `archive ${src.rel}` });
    const tree: SourceTree = { root: scratch, what: 'archive' };
    copySource(tree, { rel: '', abs: scratch, st: lstatSync(scratch) }, rootfs, dest, true, { ...own, keepOwner: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
