// The containers of a Compose project, found by their labels on the
// container records (the only link between a record and its project).
import { compareText } from '../text-order.js';
import { BerthError } from '../errors.js';
import { listRecords, type ContainerRecord } from '../container/record.js';
import { LABELS } from '../reconcile/desired.js';
import type { StatePaths } from '../state/paths.js';

export interface ProjectContainer {
  record: ContainerRecord;
  service: string;
  number: number;
  oneoff: boolean;
}

export interface SelectOptions {
  /** Only these services (empty or undefined: all). */
  services?: string[];
  /** Only the container with this number (Compose's --index). */
  index?: number;
  /** Include one-off `run` containers (default false). */
  oneoff?: boolean;
}

function asProjectContainer(r: ContainerRecord, project: string): ProjectContainer | undefined {
  if (r.labels[LABELS.project] !== project) return undefined;
  const service = r.labels[LABELS.service];
  if (!service) return undefined;
  const n = Number(r.labels[LABELS.number]);
  return { record: r, service, number: Number.isInteger(n) && n > 0 ? n : 0, oneoff: r.labels[LABELS.oneoff] === 'True' };
}

/** The project's containers, sorted by service then number. */
export function projectContainers(paths: StatePaths, project: string, o: SelectOptions = {}): ProjectContainer[] {
  const want = o.services && o.services.length ? new Set(o.services) : undefined;
  return listRecords(paths)
    .map((r) => asProjectContainer(r, project))
    .filter((c): c is ProjectContainer => !!c)
    .filter((c) => (o.oneoff || !c.oneoff) && (!want || want.has(c.service)) && (o.index === undefined || c.number === o.index))
    .sort((a, b) => compareText(a.service, b.service) || a.number - b.number || compareText(a.record.created, b.record.created));
}

/** The one container of `service` that a command such as exec acts on (--index, default 1). */
export function serviceContainer(paths: StatePaths, project: string, service: string, index?: number): ProjectContainer {
  const all = projectContainers(paths, project, { services: [service] });
  if (all.length === 0) throw new BerthError(`service "${service}" is not running`);
  const pick = index === undefined ? all.find((c) => c.number === 1) ?? all[0]! : all.find((c) => c.number === index);
  if (!pick) throw new BerthError(`service "${service}" has no container with index ${index}`);
  return pick;
}
