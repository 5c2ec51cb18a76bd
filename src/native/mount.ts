// Typed wrapper over the addon's mount layer (native/addon/mount.cc). Every
// call returns a Promise (errors, bad arguments included, are rejections):
// the syscalls run on a worker thread.
import { isAbsolute } from 'node:path';
import { nativeFn } from './addon.js';

/** mount(2) flags (linux/mount.h). */
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  REMOUNT: 0x20,
  NOATIME: 0x400,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
} as const;

/** umount2(2) flags. */
export const MNT = { FORCE: 0x1, DETACH: 0x2, EXPIRE: 0x4 } as const;

type MountFn = (source: string | null, target: string, fstype: string | null, flags: number, data?: string) => Promise<void>;
type Umount2Fn = (target: string, flags: number) => Promise<void>;
type OverlayFn = (base: string, lower: string[], upper: string, work: string, target: string, flags: number) => Promise<void>;

export async function mount(source: string | null, target: string, fstype: string | null, flags = 0, data?: string): Promise<void> {
  return nativeFn<MountFn>('mount')(source, target, fstype, flags, data);
}

export async function umount2(target: string, flags = 0): Promise<void> {
  return nativeFn<Umount2Fn>('umount2')(target, flags);
}

export interface OverlaySpec {
  /** Directory the lower paths are relative to (the image store's link dir). */
  base: string;
  /** Layer directories relative to `base`, top-most first. */
  lower: string[];
  upper: string;
  work: string;
  target: string;
  /** Extra mount flags (e.g. MS.RDONLY); none by default. */
  flags?: number;
}

/**
 * Mounts an overlay whose lower dirs are given relative to `base`, so that
 * 100+ layers fit in the kernel's one-page option limit. Rejects with code
 * E2BIG when even the relative form is too long.
 */
export async function mountOverlay(spec: OverlaySpec): Promise<void> {
  for (const p of [spec.base, spec.upper, spec.work, spec.target]) {
    if (!isAbsolute(p)) throw new TypeError(`mountOverlay: path must be absolute: ${p}`);
  }
  for (const l of spec.lower) {
    if (isAbsolute(l) || l.split('/').includes('..')) throw new TypeError(`mountOverlay: lower layer must be relative to base without '..': ${l}`);
  }
  return nativeFn<OverlayFn>('mountOverlay')(spec.base, spec.lower, spec.upper, spec.work, spec.target, spec.flags ?? 0);
}
