// `cp`: picks the service container, its root (the running process's
// /proc/<pid>/root, mounts and volumes included, or the overlay mount of a
// stopped one), and copies with src/cp.
import { BerthError } from '../errors.js';
import type { ContainerRecord } from '../container/record.js';
import { containerRoot } from '../cp/container-root.js';
import { copyPath } from '../cp/copy.js';
import { containerSide, hostSide, type Side } from '../cp/sides.js';
import { extractFromStream, packToStream } from '../cp/tar.js';
import { projectContainers, serviceContainer } from '../logs/select.js';
import type { Containers } from '../container/lifecycle.js';
import { pathsAt } from './state-root.js';
import { Engine } from './engine.js';

function sideOf(c: Containers, rec: ContainerRecord): Side {
  const at = containerRoot(c, rec);
  if (!at) throw new BerthError(`container ${rec.name}: its root filesystem is not mounted; start it first`);
  return containerSide(rec.name, at.root, rec.process.cwd || '/');
}

export interface CpOptions {
  root?: string;
  project: string;
  service: string;
  /** The path inside the container. */
  path: string;
  /** The other side: a local path, or '-' (a tar archive on stdin or to stdout). */
  local: string;
  /** true: local → container; false: container → local. */
  toContainer: boolean;
  index?: number;
  /** Every container of the service (copies to containers only). */
  all?: boolean;
  archive?: boolean;
  followLink?: boolean;
  dryRun?: boolean;
  /** --dry-run: what would be copied. */
  onDryRun?: (line: string) => void;
}

/** One copy in the direction `o` asks, between a container's side and the local filesystem or a tar stream on stdin/stdout. */
export async function copyBetween(side: Side, o: { path: string; local: string; toContainer: boolean; archive?: boolean; followLink?: boolean }): Promise<void> {
  if (!o.toContainer) {
    if (o.local === '-') await packToStream(side, o.path, !!o.followLink, process.stdout);
    else copyPath(side, o.path, hostSide(), o.local, o);
  } else if (o.local === '-') {
    await extractFromStream(side, o.path, process.stdin, !!o.archive);
  } else {
    copyPath(hostSide(), o.local, side, o.path, o);
  }
}

/** `cp` between the local filesystem (or a tar stream) and a service's container(s). */
export async function copyWithContainer(o: CpOptions): Promise<void> {
  const paths = pathsAt(o.root);
  const c = new Engine(paths).containers;
  const recs = o.all && o.toContainer ? projectContainers(paths, o.project, { services: [o.service] }).map((p) => p.record)
    : [serviceContainer(paths, o.project, o.service, o.index).record];
  if (recs.length === 0) throw new BerthError(`service "${o.service}" has no container`);
  for (const rec of recs) {
    const side = sideOf(c, rec);
    if (o.dryRun) {
      o.onDryRun?.(o.toContainer ? `Copy ${o.local} to ${rec.name}:${o.path}` : `Copy ${rec.name}:${o.path} to ${o.local}`);
      continue;
    }
    await copyBetween(side, o);
  }
}
