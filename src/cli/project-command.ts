// Shared by the lifecycle commands (up, down, create, start, stop, restart,
// rm, kill, pause, unpause, ps): find the project (its compose file, or only
// its name with -p when no file is at hand, as docker compose allows for
// down/stop/ps...), then plan and run under the project lock with progress.
import type { Project } from '../compose/model.js';
import { UsageError } from '../errors.js';
import type { DriverOptions } from '../project/drivers.js';
import type { Verb } from '../project/lifecycle.js';
import type { RunResult } from '../project/run.js';
import type { GlobalOptions } from './globals.js';
import { loadProjectFromGlobals } from './project-loader.js';

export interface Target {
  project?: Project;
  name: string;
}

/** The project from its file; with `fileOptional`, -p NAME alone works when no file is found. */
export async function resolveTarget(g: GlobalOptions, services: string[] = [], fileOptional = false): Promise<Target> {
  try {
    const project = await loadProjectFromGlobals(g, { services });
    return { project, name: project.name };
  } catch (e) {
    const noFile = e instanceof Error && /^no compose file found/.test(e.message);
    if (!(fileOptional && noFile && g.projectName && g.file.length === 0)) throw e;
    const { normalizeProjectName } = await import('../compose/discovery.js');
    return { name: normalizeProjectName(g.projectName) };
  }
}

export interface CommandRun {
  verb: Verb;
  drivers?: DriverOptions;
  signal?: AbortSignal;
}

export async function runCommand(g: GlobalOptions, target: Target, run: CommandRun): Promise<RunResult> {
  const [{ runLifecycle }, { reporterFor }] = await Promise.all([import('../project/lifecycle.js'), import('./progress.js')]);
  return runLifecycle({
    root: g.root, project: target.project, projectName: target.name, dryRun: g.dryRun,
    verb: run.verb, reporter: await reporterFor(g), drivers: run.drivers, signal: run.signal,
  });
}

/** -t/--timeout in seconds. */
export function parseTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`invalid timeout "${v}": expected a number of seconds`);
  return n;
}
