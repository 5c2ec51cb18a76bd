// Which OCI runtime command line runs a container (Compose `runtime:`, the
// engine's `--runtime`): berth's own by default, or runc / crun from the
// host. The shim drives each the same way (create, start, kill, pause, delete),
// and exec/top/delete later use the one the container was created with,
// which its record keeps.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BerthError } from '../errors.js';
import type { Binaries } from './paths.js';

export const DEFAULT_RUNTIME = 'berth-runtime';

/** The runtime names berth accepts, in the order its messages list them. */
const RUNTIME_NAMES = [DEFAULT_RUNTIME, 'runc', 'crun'] as const;

/** A runtime as a container's record keeps it: the name asked for and the executable it meant then. */
export interface RuntimeChoice { name: string; path: string }

// Debian puts runc in /usr/sbin, which a non-login PATH may lack.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findInPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRS];
  return dirs.map((d) => join(d, name)).find(executable);
}

/** Why `name` cannot be a runtime here (unknown, or not installed), or undefined. */
export function runtimeError(name: string | undefined, bin: Pick<Binaries, 'runtime'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    resolveRuntime(name, bin, env);
    return undefined;
  } catch (e) {
    if (e instanceof BerthError) return e.message;
    throw e;
  }
}

/**
 * The executable for a runtime name (absent or empty: berth-runtime, bin.runtime,
 * which BERTH_RUNTIME may point elsewhere; runc and crun: found in env's PATH).
 * An unknown name is docker's error.
 */
export function resolveRuntime(name: string | undefined, bin: Pick<Binaries, 'runtime'>, env: NodeJS.ProcessEnv = process.env): RuntimeChoice {
  if (!name || name === DEFAULT_RUNTIME) return { name: DEFAULT_RUNTIME, path: bin.runtime };
  if (!(RUNTIME_NAMES as readonly string[]).includes(name)) {
    throw new BerthError(`unknown or invalid runtime name: ${name} (known: ${RUNTIME_NAMES.join(', ')})`);
  }
  const path = findInPath(name, env);
  if (!path) throw new BerthError(`runtime ${name} is not installed: no executable ${name} in PATH or ${SYSTEM_DIRS.join(':')}`);
  return { name, path };
}

/**
 * crun refuses a hybrid host (v1 controllers plus a unified mount) whose
 * cgroup2 holds controllers (here: hugetlb); the shim then creates the
 * container with that mount hidden (--hide-cgroup2), and crun uses v1 alone
 * as berth-runtime and runc do.
 */
export function hidesCgroup2(runtime: RuntimeChoice | undefined): boolean {
  if (runtime?.name !== 'crun') return false;
  try {
    return readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
