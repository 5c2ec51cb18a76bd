// The state root layout. Every area keeps its records under its own folder;
// runtime files (sockets, netns files, mounts) live under the runtime dir,
// which follows the state root when one is given so tests never share it.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BerthConfig } from '../config.js';

const DEFAULT_STATE_ROOT = '/var/lib/berth';
const DEFAULT_RUNTIME_DIR = '/run/berth';

export interface StatePaths {
  root: string;        // persistent records
  runtime: string;     // volatile files: sockets, netns bind mounts, container mount points
  images: string;      // image store (blobs, layers, references)
  containers: string;  // one folder per container: record, logs, bundle
  networks: string;    // network records and IPAM leases
  volumes: string;     // named volumes' data and records
  projects: string;    // per-project records and locks
}

/** Resolves the layout from --root, then the configured BERTH_ROOT and BERTH_RUNTIME_DIR (`{}`: neither set). */
export function statePaths(rootOption: string | undefined, cfg: Pick<BerthConfig, 'root' | 'runtimeDir'>): StatePaths {
  const given = rootOption ?? cfg.root;
  const root = resolve(given ?? DEFAULT_STATE_ROOT);
  const runtime = resolve(cfg.runtimeDir ?? (given ? join(root, 'run') : DEFAULT_RUNTIME_DIR));
  return {
    root,
    runtime,
    images: join(root, 'images'),
    containers: join(root, 'containers'),
    networks: join(root, 'networks'),
    volumes: join(root, 'volumes'),
    projects: join(root, 'projects'),
  };
}

/** The mode of the state root and the runtime dir, as /var/lib/docker: others cannot list or read them. */
const STATE_DIR_MODE = 0o710;

const prepared = new Set<string>();

/**
 * Makes the state root and the runtime dir exist with STATE_DIR_MODE, and
 * tightens existing ones that are wider (a root made 0755 by an older berth
 * or another tool). Called once per command before it runs, so that whatever
 * command comes first (even `volume create`, whose recursive mkdir would
 * otherwise make the root 0755) leaves 0710. A caller who may not create or
 * change them (not root, a read-only root) is left to the command's own error.
 */
export function prepareStateRoot(paths: StatePaths): void {
  for (const dir of [paths.root, paths.runtime]) {
    if (prepared.has(dir)) continue;
    try {
      mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
      const st = statSync(dir);
      // Only ever narrowed: group/other bits beyond 0710 go, the owner's stay.
      if ((st.mode & 0o777 & ~STATE_DIR_MODE) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, st.mode & 0o777 & STATE_DIR_MODE | 0o700);
      prepared.add(dir);
    } catch {
      // EACCES, EROFS, ENOTDIR: the command reports what it cannot do itself.
    }
  }
}
