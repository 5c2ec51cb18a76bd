// What `berth port NAME` names: a service of the project (Compose form), or
// else a container id, name or id prefix (engine form).
import { Containers } from '../../container/index.js';
import { serviceContainer } from '../../logs/select.js';
import type { StatePaths } from '../../state/paths.js';
import type { GlobalOptions } from '../globals.js';
import { loadProjectFromGlobals } from '../project-loader.js';
import { parseIndex } from './flags.js';

export async function resolvePortTarget(g: GlobalOptions, paths: StatePaths, name: string, indexFlag?: string): Promise<{ containerId: string; label: string; service?: string }> {
  const index = parseIndex(indexFlag);
  let project: string | undefined;
  let services: string[] = [];
  try {
    const p = await loadProjectFromGlobals(g);
    project = p.name;
    services = Object.keys(p.services);
  } catch (e) {
    // Without a compose file, -p still names the project; otherwise the engine form applies.
    if (!/no compose file found/.test((e as Error).message)) throw e;
    project = g.projectName;
  }
  if (project && (services.includes(name) || index !== undefined || (services.length === 0 && g.projectName))) {
    try {
      const c = serviceContainer(paths, project, name, index);
      return { containerId: c.record.id, label: c.record.name, service: name };
    } catch (e) {
      if (services.includes(name) || index !== undefined) throw e;
    }
  }
  try {
    const rec = new Containers(paths).resolve(name);
    return { containerId: rec.id, label: rec.name };
  } catch {
    // Not a container record: the name is taken as an endpoint's container id, as the engine form always did.
    return { containerId: name, label: name };
  }
}
