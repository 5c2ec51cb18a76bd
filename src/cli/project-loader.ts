// Turns the CLI's global options into a loaded Compose project. Commands
// import this lazily (inside their action) so that start-up stays cheap.
import type { GlobalOptions } from './globals.js';
import type { LoadOptions, Project } from '../compose/model.js';
import { writeErr } from './output.js';

export interface ProjectRequest {
  /** Services named on the command line (enable their profiles). */
  services?: string[];
  /** Limit the project to `services` and their dependencies. */
  selectServices?: boolean;
  interpolate?: boolean;
}

export function loadOptionsOf(g: GlobalOptions, req: ProjectRequest = {}): LoadOptions {
  return {
    files: g.file,
    projectName: g.projectName,
    projectDirectory: g.projectDirectory,
    envFiles: g.envFile,
    profiles: g.profile,
    services: req.services,
    selectServices: req.selectServices,
    interpolate: req.interpolate,
    workingDir: process.cwd(),
    env: process.env,
  };
}

export async function loadProjectFromGlobals(g: GlobalOptions, req: ProjectRequest = {}): Promise<Project> {
  const { loadProject } = await import('../compose/project.js');
  const project = await loadProject(loadOptionsOf(g, req));
  for (const w of project.warnings) writeErr(`warning: ${w}\n`);
  return project;
}
