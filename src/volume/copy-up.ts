// Docker's volume "copy-up": the first time a new, empty volume is mounted
// where the image has content, that content is copied into it (files,
// directories, symlinks, hard links, device nodes and fifos, with ownership,
// modes, times and extended attributes). The image is hostile input: the
// source is resolved inside the root filesystem (secureJoin), and no symlink
// is ever followed during the copy, neither in the image nor in the volume;
// every destination entry is created new (O_EXCL semantics) inside a
// directory this copy made.
import {
  chmodSync, constants, copyFileSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync,
  symlinkSync, type BigIntStats,
} from 'node:fs';
import { join } from 'node:path';
import { secureJoin } from '../container/secure-join.js';
import { devNumbers } from '../container/host-devices.js';
import { lgetxattr, llistxattr, lsetxattr, mkfifo, mknod } from '../native/fs-ops.js';

export interface CopyStats { entries: number; bytes: number; skipped: string[] }

/** True when the directory has no entries. */
export function isEmptyDir(dir: string): boolean {
  try { return readdirSync(dir).length === 0; } catch { return false; }
}

/**
 * Copies what `rootfs` has at the container path `target` into `dest` (an
 * existing, empty directory). Nothing is copied when the image has no
 * directory there. Returns what was copied.
 */
export function copyImageContent(rootfs: string, target: string, dest: string): CopyStats {
  const stats: CopyStats = { entries: 0, bytes: 0, skipped: [] };
  let src: string;
  try { src = secureJoin(rootfs, target); } catch { return stats; } // a symlink loop: nothing to copy
  let st: BigIntStats;
  try { st = lstatSync(src, { bigint: true }); } catch { return stats; }
  if (!st.isDirectory()) return stats;
  const links = new Map<string, string>(); // dev:ino of multiply-linked files → first copy
  copyChildren(src, dest, stats, links);
  applyMeta(src, dest, st); // the volume root takes the image directory's owner and mode, as in Docker
  return stats;
}

function copyChildren(srcDir: string, destDir: string, stats: CopyStats, links: Map<string, string>): void {
  for (const name of readdirSync(srcDir).sort()) {
    const s = join(srcDir, name);
    const d = join(destDir, name);
    const st = lstatSync(s, { bigint: true });
    stats.entries++;
    if (st.isDirectory()) {
      mkdirSync(d, { mode: 0o700 }); // fails on anything already there
      copyChildren(s, d, stats, links);
      applyMeta(s, d, st);
      continue;
    }
    if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(s), d);
      lchownSync(d, Number(st.uid), Number(st.gid));
      lutimesSync(d, Number(st.atimeMs) / 1000, Number(st.mtimeMs) / 1000);
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    if (st.nlink > 1n && links.has(key)) { linkSync(links.get(key)!, d); continue; }
    if (st.isFile()) {
      copyFileSync(s, d, constants.COPYFILE_EXCL);
      stats.bytes += Number(st.size);
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const { major, minor } = devNumbers(st.rdev);
      mknod(d, (st.isCharacterDevice() ? constants.S_IFCHR : constants.S_IFBLK) | 0o600, major, minor);
    } else if (st.isFIFO()) {
      mkfifo(d, 0o600);
    } else {
      stats.skipped.push(s); // sockets: meaningless outside the process that bound them
      stats.entries--;
      continue;
    }
    if (st.nlink > 1n) links.set(key, d);
    applyMeta(s, d, st);
  }
}

/** Owner, then mode (chown clears set-id bits), extended attributes, then times; never through a symlink. */
function applyMeta(src: string, dest: string, st: BigIntStats): void {
  lchownSync(dest, Number(st.uid), Number(st.gid));
  chmodSync(dest, Number(st.mode & 0o7777n));
  copyXattrs(src, dest);
  lutimesSync(dest, Number(st.atimeMs) / 1000, Number(st.mtimeMs) / 1000);
}

/** Extended attributes (file capabilities, ACLs, user.*); overlayfs' own are not the image's. */
function copyXattrs(src: string, dest: string): void {
  let names: string[];
  try { names = llistxattr(src); } catch { return; }
  for (const name of names) {
    if (name.startsWith('trusted.overlay.') || name === 'security.selinux') continue;
    const value = lgetxattr(src, name);
    if (!value) continue;
    try { lsetxattr(dest, name, value); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e; // the volume's file system cannot hold it
    }
  }
}
