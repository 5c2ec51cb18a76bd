// Netlink calls that run on the addon's worker threads (Promise-returning),
// for steps slow enough in the kernel to stall the event loop.
import { nativeFn } from './addon.js';
import type { Ns } from './netlink.js';

/** Deletes a link off the JS thread; resolves false when there was none (teardown is idempotent). */
export const linkDelIfExistsAsync = async (ns: Ns, name: string): Promise<boolean> =>
  nativeFn<(ns: Ns, n: string) => Promise<boolean>>('nlLinkDelAsync')(ns, name);
