// `top`: the host pids of each running (or paused) container of the project.
import { BerthError } from '../errors.js';
import { top } from '../container/index.js';
import { observeStatus } from '../container/status.js';
import { projectContainers } from '../logs/select.js';
import { pathsAt } from './state-root.js';
import { Engine } from './engine.js';

export interface ContainerProcesses {
  name: string;
  /** Host pids, in the runtime's order. */
  pids: number[];
}

export async function projectProcesses(o: { root?: string; project: string; services: string[] }): Promise<ContainerProcesses[]> {
  const paths = pathsAt(o.root);
  const c = new Engine(paths).containers;
  const out: ContainerProcesses[] = [];
  for (const pc of projectContainers(paths, o.project, { services: o.services })) {
    const st = observeStatus(c.pathsOf(pc.record.id), pc.record.id).status;
    if (st !== 'running' && st !== 'paused') continue;
    let t;
    try {
      t = await top(c, pc.record.id);
    } catch (e) {
      if (e instanceof BerthError) continue; // stopped meanwhile
      throw e;
    }
    out.push({ name: pc.record.name, pids: t.processes.map((r) => Number(r[1])) });
  }
  return out;
}
