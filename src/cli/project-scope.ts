// Which project a command such as logs, exec or top acts on: the loaded
// compose project (its name, and its services to check names against), or
// only the name given with -p when there is no compose file, as Compose allows.
import { BerthError } from '../errors.js';
import type { Project } from '../compose/model.js';
import type { GlobalOptions } from './globals.js';
import { loadProjectFromGlobals } from './project-loader.js';

export interface ProjectScope {
  name: string;
  project?: Project;
}

export async function projectScope(g: GlobalOptions, services: string[] = []): Promise<ProjectScope> {
  let project: Project;
  try {
    project = await loadProjectFromGlobals(g, { services });
  } catch (e) {
    // `-p name` alone works on an existing project without its file.
    if (g.projectName && g.file.length === 0 && /no compose file found/.test((e as Error).message)) return { name: g.projectName };
    throw e;
  }
  for (const s of services) {
    if (!(s in project.services) && !project.disabledServices.includes(s)) throw new BerthError(`no such service: ${s}`);
  }
  return { name: project.name, project };
}
