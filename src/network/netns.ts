// Container network namespaces, pinned under <runtime>/netns/<name>. The
// container layer creates one before the container and passes its path to
// the OCI runtime (linux.namespaces: {type: network, path}).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { netnsCreate, netnsCreateAsync, netnsDelete } from '../native/netns.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function netnsPath(paths: StatePaths, name: string): string {
  if (!NAME.test(name)) throw new BerthError(`invalid network namespace name '${name}'`);
  return join(paths.runtime, 'netns', name);
}

/** Creates the pinned namespace (lo up) and returns its path. */
export function createNetns(paths: StatePaths, name: string): string {
  const p = netnsPath(paths, name);
  mkdirSync(join(paths.runtime, 'netns'), { recursive: true, mode: 0o755 });
  netnsCreate(p);
  return p;
}

/** createNetns off the JS thread. */
export async function createNetnsAsync(paths: StatePaths, name: string): Promise<string> {
  const p = netnsPath(paths, name);
  mkdirSync(join(paths.runtime, 'netns'), { recursive: true, mode: 0o755 });
  await netnsCreateAsync(p);
  return p;
}

/** Unmounts and removes it; a missing one is fine (idempotent for crash repair). */
export function deleteNetns(paths: StatePaths, name: string): void {
  netnsDelete(netnsPath(paths, name));
}
