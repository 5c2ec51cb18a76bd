// The state root layout. Every area keeps its records under its own folder;
// runtime files (sockets, netns files, mounts) live under the runtime dir,
// which follows the state root when one is given so tests never share it.
import { join, resolve } from 'node:path';

export const DEFAULT_STATE_ROOT = '/var/lib/berth';
export const DEFAULT_RUNTIME_DIR = '/run/berth';

export interface StatePaths {
  root: string;        // persistent records
  runtime: string;     // volatile files: sockets, netns bind mounts, container mount points
  images: string;      // image store (blobs, layers, references)
  containers: string;  // one folder per container: record, logs, bundle
  networks: string;    // network records and IPAM leases
  volumes: string;     // named volumes' data and records
  projects: string;    // per-project records and locks
}

/** Resolves the layout from --root, BERTH_ROOT and BERTH_RUNTIME_DIR. */
export function statePaths(rootOption?: string, env: NodeJS.ProcessEnv = process.env): StatePaths {
  const given = rootOption ?? env.BERTH_ROOT;
  const root = resolve(given ?? DEFAULT_STATE_ROOT);
  const runtime = resolve(env.BERTH_RUNTIME_DIR ?? (given ? join(root, 'run') : DEFAULT_RUNTIME_DIR));
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
