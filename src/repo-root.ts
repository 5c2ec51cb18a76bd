// The package root (where package.json, bin/ and build/ live), found by
// walking up from this module. It holds both for the compiled tree
// (dist/src/**) and for the bundle (dist/bundle/*.js), whose files sit at a
// different depth, so no caller hard-codes a relative `../../..` path.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function repoRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'berth'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the berth package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A path inside the package root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}
