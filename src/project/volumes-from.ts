// Compose `volumes_from`: every volume and bind mount of another service's
// container (`svc`, `svc:ro`) or of a named container (`container:name[:ro]`),
// mounted at the same paths; `:ro` makes them read-only.
import type { Project } from '../compose/model.js';
import type { MountInput } from '../container/types.js';
import { BerthError } from '../errors.js';
import type { Engine } from './engine.js';
import { LABELS } from '../compose-labels.js';

export interface VolumesFrom { mounts: MountInput[]; volumes: string[] }

export function volumesFrom(engine: Engine, project: Project, entries: string[], parseVolumes: (labels: Record<string, string>) => string[]): VolumesFrom {
  const out: VolumesFrom = { mounts: [], volumes: [] };
  if (!entries.length) return out;
  const records = engine.containers.list().map((x) => x.record);
  for (const entry of entries) {
    const parts = entry.split(':');
    const isContainer = parts[0] === 'container';
    const name = isContainer ? parts[1] : parts[0];
    const mode = parts[isContainer ? 2 : 1];
    if (!name || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) throw new BerthError(`invalid volumes_from "${entry}": expected SERVICE[:ro|rw] or container:NAME[:ro|rw]`);
    const rec = isContainer
      ? records.find((r) => r.name === name || r.id === name)
      : records.find((r) => r.labels[LABELS.project] === project.name && r.labels[LABELS.service] === name && r.labels[LABELS.oneoff] !== 'True');
    if (!rec) throw new BerthError(`volumes_from ${entry}: no ${isContainer ? 'such container' : `container for service ${name}`}`);
    for (const m of rec.input.mounts ?? []) {
      if (m.type === 'tmpfs') continue;
      out.mounts.push({ ...m, readOnly: mode === 'ro' ? true : m.readOnly });
    }
    out.volumes.push(...parseVolumes(rec.labels));
  }
  return out;
}
