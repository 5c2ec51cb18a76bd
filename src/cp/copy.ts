// docker cp semantics between two sides (see sides.ts): a file to a file or
// into a directory, a directory to a new directory or into an existing one
// ("SRC/." copies its contents). The source tree is walked without following
// symlinks (they are copied as symlinks); every destination path is resolved
// on its side again, and files are opened with O_NOFOLLOW, so nothing inside
// a container can redirect a read or a write to a host file.
import {
  closeSync, constants, fchmodSync, futimesSync, lchownSync, lstatSync, mkdirSync, openSync,
  readdirSync, readlinkSync, readSync, rmSync, statSync, symlinkSync, lutimesSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { BerthError } from '../errors.js';
import { copyError, type Side } from './sides.js';

export interface CopyOptions {
  /** -a: keep uid/gid (otherwise files copied into a container belong to its root). */
  archive?: boolean;
  /** -L: follow a symlink given as the source. */
  followLink?: boolean;
  /** Owner of what lands in a container (default root), e.g. the container's user for a watch sync. */
  owner?: { uid: number; gid: number };
  /** Leave a destination file alone when its size, mode and mtime already match the source (a re-sync). */
  skipUnchanged?: boolean;
  /** Asked before each file is copied: true leaves it alone (the caller knows it is there already). */
  unchanged?: (from: string, st: Stats) => boolean;
  /** Told after each file is copied. */
  copied?: (from: string, st: Stats) => void;
}

/** lstat, or undefined when nothing is there. */
export function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return lstatOrUndefined(p);
  }
}

interface Ctx { dst: Side; o: CopyOptions; src: Side }

function owner(ctx: Ctx, path: string, st: Stats): void {
  const keep = ctx.o.archive;
  if (!keep && !ctx.dst.inContainer) return; // files on the host belong to whoever runs berth
  const uid = keep ? st.uid : ctx.o.owner?.uid ?? 0;
  const gid = keep ? st.gid : ctx.o.owner?.gid ?? 0;
  lchownSync(path, uid, gid); // never through a symlink
}

function copyFile(ctx: Ctx, from: string, to: string, st: Stats): void {
  const existing = lstatOrUndefined(to);
  if (existing?.isDirectory()) throw new BerthError(`cannot overwrite directory "${ctx.dst.show(to)}" with a file`);
  if (existing && ctx.o.skipUnchanged && existing.isFile() && existing.size === st.size
    && Math.trunc(existing.mtimeMs) === Math.trunc(st.mtimeMs) && (existing.mode & 0o7777) === (st.mode & 0o7777)) return;
  if (existing) rmSync(to, { force: true });
  const src = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const dst = openSync(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, st.mode & 0o7777);
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const n = readSync(src, buf, 0, buf.length, null);
        if (n === 0) break;
        let off = 0;
        while (off < n) off += writeSync(dst, buf, off, n - off);
      }
      owner(ctx, to, st);
      // Mode after chown (chown clears setuid bits), through the descriptor: the path cannot be swapped meanwhile.
      fchmodSync(dst, st.mode & 0o7777);
      futimesSync(dst, st.atime, st.mtime);
    } finally {
      closeSync(dst);
    }
  } finally {
    closeSync(src);
  }
}

function chmodDir(path: string, mode: number): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

function copyTree(ctx: Ctx, from: string, to: string): void {
  if (ctx.src.excluded(from)) return;
  const st = lstatSync(from);
  if (st.isSymbolicLink()) {
    const existing = lstatOrUndefined(to);
    if (existing?.isDirectory()) throw new BerthError(`cannot overwrite directory "${ctx.dst.show(to)}" with a symlink`);
    if (existing) rmSync(to, { force: true });
    symlinkSync(readlinkSync(from), to);
    owner(ctx, to, st);
    return;
  }
  if (st.isFile()) {
    if (ctx.o.unchanged?.(from, st)) return;
    copyFile(ctx, from, to, st);
    ctx.o.copied?.(from, st);
    return;
  }
  if (st.isDirectory()) {
    const existing = lstatOrUndefined(to);
    if (existing && !existing.isDirectory()) throw new BerthError(`cannot overwrite non-directory "${ctx.dst.show(to)}" with a directory`);
    if (!existing) mkdirSync(to, { mode: st.mode & 0o7777 });
    for (const name of readdirSync(from).sort()) copyTree(ctx, `${from}/${name}`, ctx.dst.below(to, name));
    owner(ctx, to, st);
    chmodDir(to, st.mode & 0o7777);
    lutimesSync(to, st.atime, st.mtime);
    return;
  }
  // Devices, fifos and sockets are left out, as a tar of the container would not carry them usefully.
}

/**
 * Copies the entry `from` (a host path on `src`, never followed) to exactly
 * `to` (a host path on `dst` from its resolve/below): a file, a symlink or a
 * whole directory tree, without docker cp's "into an existing directory" rule.
 */
export function copyEntry(src: Side, from: string, dst: Side, to: string, o: CopyOptions = {}): void {
  copyTree({ src, dst, o }, from, to);
}

/** Copies `srcPath` on `src` to `dstPath` on `dst` with docker cp's rules. */
export function copyPath(src: Side, srcPath: string, dst: Side, dstPath: string, o: CopyOptions = {}): void {
  try {
    copyPathUnchecked(src, srcPath, dst, dstPath, o);
  } catch (e) {
    throw copyError(e, [src, dst]);
  }
}

function copyPathUnchecked(src: Side, srcPath: string, dst: Side, dstPath: string, o: CopyOptions): void {
  const ctx: Ctx = { src, dst, o };
  const from = src.resolve(srcPath, !!o.followLink);
  const st = lstatOrUndefined(from);
  if (!st) throw new BerthError(src.inContainer ? `could not find the file ${srcPath} in container ${src.label}` : `stat ${srcPath}: no such file or directory`);
  const srcIsDir = st.isDirectory();
  if (/\/\.?$/.test(srcPath) && !srcIsDir && srcPath !== '/') throw new BerthError(`${srcPath}: not a directory`);
  const contentsOnly = /(^|\/)\.$/.test(srcPath);

  const to = dst.resolve(dstPath, true);
  const dstSt = statOrUndefined(to);
  if (dstSt?.isDirectory()) {
    if (srcIsDir && contentsOnly) {
      for (const name of readdirSync(from).sort()) copyTree(ctx, `${from}/${name}`, dst.below(to, name));
      return;
    }
    return copyTree(ctx, from, dst.below(to, basename(from)));
  }
  if (dstSt) {
    if (srcIsDir) throw new BerthError(`cannot copy a directory to a file: ${dstPath}`);
    return copyTree(ctx, from, to);
  }
  if (dstPath.endsWith('/')) throw new BerthError(`destination directory ${dstPath} must exist`);
  const parent = statOrUndefined(dirname(to));
  if (!parent?.isDirectory()) throw new BerthError(`destination ${dstPath}: no such directory ${dirname(dstPath) || '.'}`);
  copyTree(ctx, from, to);
}
