// The OCI runtime a service's containers run under (Compose `runtime:`), and
// the name → executable mapping the engine's `--runtime` flag uses too.
import type { Project } from '../compose/model.js';
import { resolveRuntime, runtimeError } from '../container/runtimes.js';

/** The executable for a runtime name (berth-runtime when absent); throws docker's "unknown or invalid runtime name". */
export function runtimeExecutable(name?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolveRuntime(name, env).path;
}

/** Why `service`'s `runtime:` cannot be used on this host (checked before anything is created), or undefined. */
export function serviceRuntimeError(project: Project, service: string): string | undefined {
  const problem = runtimeError(project.services[service]?.runtime);
  return problem && `service "${service}": ${problem}`;
}
