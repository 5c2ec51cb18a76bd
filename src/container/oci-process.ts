// The OCI `process` of a container: args from entrypoint/cmd with Docker's
// override rules, the merged environment, working directory and user.
import { isAbsolute } from 'node:path';
import { BerthError } from '../errors.js';
import { DEFAULT_PATH } from './oci-defaults.js';
import type { ContainerSpecInput } from './types.js';
import type { ResolvedUser } from './user.js';

/** Where berth-init is bind-mounted inside a container that asked for `init: true`. */
export const INIT_PATH_IN_CONTAINER = '/sbin/berth-init';

/**
 * Docker's rules: `command` replaces the image's Cmd; `entrypoint` replaces
 * the image's Entrypoint and drops the image's Cmd (only `command` remains).
 */
export function resolveArgs(input: Pick<ContainerSpecInput, 'command' | 'entrypoint' | 'image' | 'init'>): string[] {
  const img = input.image.config;
  let entrypoint: string[];
  let cmd: string[];
  if (input.entrypoint !== undefined) {
    entrypoint = input.entrypoint;
    cmd = input.command ?? [];
  } else {
    entrypoint = img.Entrypoint ?? [];
    cmd = input.command ?? img.Cmd ?? [];
  }
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw new BerthError('no command specified: the image has no Entrypoint or Cmd and none was given');
  return input.init ? [INIT_PATH_IN_CONTAINER, '--', ...args] : args;
}

function splitEnv(entry: string): [string, string] {
  const i = entry.indexOf('=');
  return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
}

/**
 * Image Env, then the service environment (overrides by key, keeping the
 * image's order), with PATH, HOSTNAME, HOME and (with a tty) TERM defaults
 * as Docker sets them.
 */
export function mergeEnv(opts: { image?: string[] | null; service?: Record<string, string>; hostname: string; home: string; tty: boolean }): string[] {
  const env = new Map<string, string>();
  for (const e of opts.image ?? []) {
    const [k, v] = splitEnv(e);
    if (k) env.set(k, v);
  }
  for (const [k, v] of Object.entries(opts.service ?? {})) {
    if (!k || k.includes('=') || k.includes('\0')) throw new BerthError(`environment: invalid variable name "${k}"`);
    if (String(v).includes('\0')) throw new BerthError(`environment: value of ${k} contains a NUL byte`);
    env.set(k, String(v));
  }
  const head: string[] = [];
  if (!env.has('PATH')) head.push(`PATH=${DEFAULT_PATH}`);
  if (!env.has('HOSTNAME')) head.push(`HOSTNAME=${opts.hostname}`);
  if (opts.tty && !env.has('TERM')) head.push('TERM=xterm');
  const out = [...head, ...[...env].map(([k, v]) => `${k}=${v}`)];
  if (!env.has('HOME')) out.push(`HOME=${opts.home}`);
  return out;
}

export function resolveCwd(input: Pick<ContainerSpecInput, 'workingDir' | 'image'>): string {
  const wd = input.workingDir || input.image.config.WorkingDir || '/';
  if (!isAbsolute(wd)) throw new BerthError(`working_dir: the working directory '${wd}' is invalid, it needs to be an absolute path`);
  return wd;
}

export function ociUser(u: ResolvedUser): { uid: number; gid: number; additionalGids?: number[] } {
  return u.additionalGids.length ? { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids } : { uid: u.uid, gid: u.gid };
}
