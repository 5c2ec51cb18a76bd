// The image store's metadata lock (<store>/lock), a flock-based file lock.
import { join } from 'node:path';
import { withFileLock } from '../state/file-lock.js';

export function withStoreLock<T>(storeRoot: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<T> {
  return withFileLock(join(storeRoot, 'lock'), fn, { timeoutMs, what: `the image store (${storeRoot})` });
}
