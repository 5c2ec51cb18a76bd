// Compose `pid` and `ipc` modes → the container layer's: `service:x` and
// `container:name` become the id of the container whose namespace is joined.
// The target must exist now (Compose orders it first); it must run when this
// container starts, which the container layer checks.
import type { Project, Service } from '../compose/model.js';
import type { ContainerSpecInput } from '../container/types.js';
import { BerthError } from '../errors.js';
import type { Engine } from './engine.js';
import { LABELS } from '../compose-labels.js';

type Mode<K extends 'pid' | 'ipc'> = ContainerSpecInput[K];

function targetId(engine: Engine, project: Project, key: string, value: string, kind: string, name: string): string {
  const records = engine.containers.list();
  if (kind === 'container') {
    const hit = records.find((x) => x.record.name === name || x.record.id === name || (name.length >= 12 && x.record.id.startsWith(name)));
    if (!hit) throw new BerthError(`${key} "${value}": no such container: ${name}`);
    return hit.record.id;
  }
  // A service's containers: number 1 (or the lowest), a running one first.
  const mine = records.filter((x) => x.record.labels[LABELS.project] === project.name
    && x.record.labels[LABELS.service] === name && x.record.labels[LABELS.oneoff] !== 'True');
  const running = (s: string) => (s === 'running' || s === 'paused' || s === 'restarting' ? 0 : 1);
  mine.sort((a, b) => running(a.observed.status) - running(b.observed.status)
    || Number(a.record.labels[LABELS.number]) - Number(b.record.labels[LABELS.number]));
  if (!mine.length) throw new BerthError(`${key} "${value}": service ${name} has no container`);
  return mine[0].record.id;
}

function modeOf<K extends 'pid' | 'ipc'>(engine: Engine, project: Project, key: K, value: string | undefined): Mode<K> {
  if (value === undefined || value === '') return undefined;
  const i = value.indexOf(':');
  if (i < 0) return value as Mode<K>; // host, private, shareable, none: checked by the Compose layer
  const kind = value.slice(0, i);
  const name = value.slice(i + 1);
  if ((kind !== 'service' && kind !== 'container') || !name) throw new BerthError(`invalid ${key} mode "${value}"`);
  return { container: targetId(engine, project, key, value, kind, name) };
}

/** The service's pid, ipc and uts modes for the container layer. */
export function namespaceModes(engine: Engine, project: Project, s: Service): Pick<ContainerSpecInput, 'pid' | 'ipc' | 'uts'> {
  const out: Pick<ContainerSpecInput, 'pid' | 'ipc' | 'uts'> = {};
  const pid = modeOf(engine, project, 'pid', s.pid);
  const ipc = modeOf(engine, project, 'ipc', s.ipc);
  if (pid !== undefined) out.pid = pid;
  if (ipc !== undefined) out.ipc = ipc;
  if (s.uts === 'host') out.uts = 'host';
  return out;
}
