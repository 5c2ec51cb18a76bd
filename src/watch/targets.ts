// The containers a watched service has right now (re-read at every batch,
// so a container recreated meanwhile is the one written to), with where
// their files are and whom they belong to.
import type { Containers } from '../container/lifecycle.js';
import type { ContainerRecord } from '../container/record.js';
import { containerRoot } from '../cp/container-root.js';
import { projectContainers } from '../logs/select.js';
import type { StatePaths } from '../state/paths.js';
import type { SyncTarget } from './sync.js';

export interface WatchedContainer {
  record: ContainerRecord;
  /** Undefined while neither the process nor the overlay is there (being recreated). */
  target?: SyncTarget;
  /** Identity of this incarnation: a recreated container has a new id. */
  key: string;
}

/** "uid:gid" as the record keeps the process user. */
function ownerOf(rec: ContainerRecord): { uid: number; gid: number } {
  const [u, g] = (rec.process.user || '0:0').split(':').map(Number);
  return { uid: Number.isInteger(u) ? u! : 0, gid: Number.isInteger(g) ? g! : 0 };
}

export function watchedContainers(paths: StatePaths, c: Containers, project: string, service: string): WatchedContainer[] {
  return projectContainers(paths, project, { services: [service] }).map(({ record }) => {
    const at = containerRoot(c, record);
    return {
      record, key: record.id,
      target: at ? { name: record.name, root: at.root, owner: ownerOf(record) } : undefined,
    };
  });
}
