// Typed wrapper over the addon's flock(2) (native/addon/flock.cc). The call
// never blocks: it returns false when another holder has the lock.
import { nativeFn } from './addon.js';

export const LOCK_EX = 2;
export const LOCK_UN = 8;

type FlockFn = (fd: number, op: number) => boolean;

/** flock(fd, op | LOCK_NB): true when taken or released, false when held elsewhere. */
export function flock(fd: number, op: number): boolean {
  return nativeFn<FlockFn>('flock')(fd, op);
}
