// Typed view of the addon's network-namespace functions: namespaces pinned as
// bind-mounted files, and sysctl writes inside one (on a helper thread).
import { nativeFn } from './addon.js';

/** Creates a new network namespace pinned at `path` (with lo up). The file must not exist. */
export const netnsCreate = (path: string): void => nativeFn<(p: string) => void>('netnsCreate')(path);
/** netnsCreate on a worker thread. */
export const netnsCreateAsync = async (path: string): Promise<void> => nativeFn<(p: string) => Promise<void>>('netnsCreateAsync')(path);
/** Unmounts and removes a pinned namespace; a missing file is fine. */
export const netnsDelete = (path: string): void => nativeFn<(p: string) => void>('netnsDelete')(path);
/** Writes /proc/sys/<key> in the namespace at `ns` (null: the host). */
export const sysctlWrite = (ns: string | null, key: string, value: string): void =>
  nativeFn<(ns: string | null, k: string, v: string) => void>('sysctlWrite')(ns, key, value);
