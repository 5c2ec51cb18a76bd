// Typed view of native/addon/fs-ops.cc.
import { constants } from 'node:fs';
import { nativeFn } from './addon.js';

export function mknod(path: string, mode: number, major: number, minor: number): void {
  nativeFn<(p: string, m: number, a: number, b: number) => void>('fsMknod')(path, mode, major, minor);
}

/** An overlayfs whiteout: a character device 0:0. */
export function mkWhiteout(path: string): void {
  mknod(path, constants.S_IFCHR | 0o000, 0, 0);
}

export function mkfifo(path: string, perm: number): void {
  mknod(path, constants.S_IFIFO | (perm & 0o7777), 0, 0);
}

export function lsetxattr(path: string, name: string, value: Buffer | string): void {
  nativeFn<(p: string, n: string, v: Buffer) => void>('fsLsetxattr')(path, name, Buffer.isBuffer(value) ? value : Buffer.from(value));
}

/** The attribute's value, or null when it is not set. */
export function lgetxattr(path: string, name: string): Buffer | null {
  return nativeFn<(p: string, n: string) => Buffer | null>('fsLgetxattr')(path, name);
}

/** The names of the path's extended attributes (the link itself for a symlink). */
export function llistxattr(path: string): string[] {
  return nativeFn<(p: string) => string[]>('fsLlistxattr')(path);
}

/** rename(2) with RENAME_NOREPLACE: false when `to` already exists. */
export function renameNoReplace(from: string, to: string): boolean {
  return nativeFn<(a: string, b: string) => boolean>('fsRenameNoReplace')(from, to);
}

/**
 * Marks a directory as the top of a hierarchy (FS_TOPDIR_FL, `chattr +T`), so
 * ext4 places each directory made in it in a block group of its own. False
 * when the file system has no such flag; throws when the path is not a
 * directory or the flag may not be set.
 */
export function markTopDir(path: string): boolean {
  return nativeFn<(p: string) => boolean>('fsMarkTopDir')(path);
}

/** Whether `path` is the root of a mount (false when missing); null when the kernel cannot say (before Linux 5.8). */
export function isMountRoot(path: string): boolean | null {
  return nativeFn<(p: string) => boolean | null>('fsIsMountRoot')(path);
}
