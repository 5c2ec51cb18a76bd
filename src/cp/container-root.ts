// Where a container's files are on the host for a copy: the running
// process's /proc/<pid>/root (its mounts and volumes included), else the
// container's overlay mount (a stopped container keeps it mounted).
import type { Containers } from '../container/lifecycle.js';
import type { ContainerRecord } from '../container/record.js';
import { isMounted } from '../container/rootfs.js';
import { observeStatus } from '../container/status.js';

export interface ContainerRoot {
  /** Host path of the container's "/". */
  root: string;
  /** True when `root` is the live process's view (volumes included). */
  live: boolean;
}

/** The container's root on the host, or undefined when neither the process nor the overlay is there. */
export function containerRoot(c: Containers, rec: ContainerRecord): ContainerRoot | undefined {
  const obs = observeStatus(c.pathsOf(rec.id), rec.id);
  if ((obs.status === 'running' || obs.status === 'paused') && obs.state?.pid) return { root: `/proc/${obs.state.pid}/root`, live: true };
  return isMounted(rec.rootfs) ? { root: rec.rootfs, live: false } : undefined;
}
