// The OCI runtime a service's containers run under (Compose `runtime:`), and
// the name → executable mapping the engine's `--runtime` flag uses too.
import type { Project } from '../compose/model.js';
import type { BerthConfig } from '../config.js';
import { binaries, type Binaries } from '../container/paths.js';
import { resolveRuntime, runtimeError } from '../container/runtimes.js';

/** The executable for a runtime name (berth-runtime, or BERTH_RUNTIME, when absent); throws docker's "unknown or invalid runtime name". */
export function runtimeExecutable(name: string | undefined, cfg: Pick<BerthConfig, 'repo' | 'shim' | 'runtime' | 'init'>, env: NodeJS.ProcessEnv = process.env): string {
  return resolveRuntime(name, binaries(cfg), env).path;
}

/** Why `service`'s `runtime:` cannot be used on this host (checked before anything is created), or undefined. */
export function serviceRuntimeError(project: Project, service: string, bin: Pick<Binaries, 'runtime'>): string | undefined {
  const problem = runtimeError(project.services[service]?.runtime, bin);
  return problem && `service "${service}": ${problem}`;
}
