// Shared test helpers: the repository paths, a private state root per test,
// and the root-only guard for the integration tier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/...). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const berthBin = join(repoRoot, 'bin/berth');
export const nativeOut = join(repoRoot, 'native/out');

export const isRoot = process.getuid?.() === 0;

/** A fresh temporary directory; the returned function removes it. */
export function tempDir(prefix = 'berth-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A short random suffix for kernel object names (links are limited to 15 chars). */
export function shortId(n = 6): string {
  return Math.random().toString(36).slice(2, 2 + n).padEnd(n, '0');
}
