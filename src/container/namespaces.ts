// Compose `pid`, `ipc` and `uts`: which namespaces a container gets of its
// own, which it shares with the host (no entry in the spec) and which it joins
// from another container. A joined namespace is named by /proc/<pid>/ns/<type>
// of the other container's process, so its path is only known while that
// container runs: it is resolved again at every start (joinPaths) and pinned
// by a bind mount (pinNamespaces).
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { MNT, MS, mount, umount2 } from '../native/mount.js';
import { DEFAULT_SHM_SIZE } from './oci-defaults.js';
import { isMounted } from './rootfs.js';
import { containerPaths } from './paths.js';
import { readRecord } from './record.js';
import { observeStatus } from './status.js';
import type { OciSpec } from './oci-types.js';
import type { ContainerSpecInput } from './types.js';
import type { StatePaths } from '../state/paths.js';

export interface OciNamespace { type: string; path?: string }

/** Namespace paths of other containers joined by this one (pid / ipc), as known now. */
export interface JoinPaths { pid?: string; ipc?: string }

type Joinable = 'pid' | 'ipc';

function joinedId(input: ContainerSpecInput, type: Joinable): string | undefined {
  const m = input[type];
  return typeof m === 'object' && m !== null ? m.container : undefined;
}

/** pid, ipc, uts and mount namespaces from the input (network and cgroup are added by the caller). */
export function namespaceEntries(input: ContainerSpecInput, joined: JoinPaths = {}): OciNamespace[] {
  const out: OciNamespace[] = [];
  for (const type of ['pid', 'ipc'] as const) {
    const mode = input[type];
    if (mode === 'host') continue;
    // Joined: the path is filled in at start, when the other container runs.
    out.push(joinedId(input, type) && joined[type] ? { type, path: joined[type] } : { type });
  }
  if (input.uts !== 'host') out.push({ type: 'uts' });
  out.push({ type: 'mount' });
  return out;
}

/** Conflicts Docker refuses too: a hostname with the host's UTS namespace, IPC sysctls with the host's IPC. */
export function checkNamespaceOptions(input: ContainerSpecInput): void {
  if (input.uts === 'host' && input.hostname) throw new BerthError('hostname cannot be set with uts: host (the container uses the host\'s hostname)');
  if (input.uts === 'host' && input.domainname) throw new BerthError('domainname cannot be set with uts: host');
  if (input.ipc === 'host') {
    const ipcSysctl = Object.keys(input.sysctls ?? {}).find((k) => k.startsWith('kernel.') || k.startsWith('fs.mqueue.'));
    if (ipcSysctl) throw new BerthError(`sysctls: "${ipcSysctl}" cannot be set with ipc: host`);
  }
}

/**
 * The /proc/<pid>/ns paths of the containers this one joins; each must be
 * running. `what` names the container in errors.
 */
export function joinPaths(paths: StatePaths, input: ContainerSpecInput): JoinPaths {
  const out: JoinPaths = {};
  for (const type of ['pid', 'ipc'] as const) {
    const id = joinedId(input, type);
    if (!id) continue;
    const rec = readRecord(containerPaths(paths, id).record);
    if (!rec) throw new BerthError(`container ${input.name}: cannot join the ${type} namespace of container ${id.slice(0, 12)}: no such container`);
    const obs = observeStatus(containerPaths(paths, id), id);
    const pid = obs.state?.pid;
    if (!obs.shimAlive || !pid || (obs.status !== 'running' && obs.status !== 'paused' && obs.status !== 'restarting')) {
      throw new BerthError(`container ${input.name}: cannot join the ${type} namespace of container ${rec.name}: it is not running`);
    }
    out[type] = `/proc/${pid}/ns/${type}`;
  }
  return out;
}

/**
 * Pins the joined namespaces at stable paths in the container's runtime dir
 * (bind mounts of the nsfs files, removed with the container), so that a
 * restart by the shim's restart policy joins the same namespace again, never
 * whatever process reused the old pid. Returns the paths to put in the spec.
 */
export async function pinNamespaces(runDir: string, joined: JoinPaths): Promise<JoinPaths> {
  const out: JoinPaths = {};
  for (const type of ['pid', 'ipc'] as const) {
    const src = joined[type];
    if (!src) continue;
    const pin = join(runDir, `ns-${type}`);
    if (isMounted(pin)) await umount2(pin, MNT.DETACH);
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    closeSync(openSync(pin, 'a', 0o600));
    await mount(src, pin, null, MS.BIND);
    out[type] = pin;
  }
  return out;
}

/** True when the container joins another container's namespace (its spec must be refreshed at start). */
export function joinsOthers(input: ContainerSpecInput): boolean {
  return !!(joinedId(input, 'pid') || joinedId(input, 'ipc'));
}

/** Points the spec's joined namespaces at the current paths. */
export function applyJoinPaths(spec: OciSpec, joined: JoinPaths): void {
  for (const ns of spec.linux.namespaces) {
    const p = joined[ns.type as Joinable];
    if (p) ns.path = p;
  }
}

// POSIX shared memory lives in /dev/shm, a file system rather than the IPC
// namespace: a container with `ipc: shareable` gets a /dev/shm mounted on the
// host (under its runtime dir, so removal unmounts it), which the containers
// joining its IPC namespace bind too, as Docker does.

/** Host path of a shareable container's /dev/shm. */
function shmDir(paths: StatePaths, id: string): string {
  return join(containerPaths(paths, id).runDir, 'shm');
}

/** The host /dev/shm the container mounts: its own when shareable, its IPC donor's when that one is; else none. */
export function shmSource(paths: StatePaths, input: ContainerSpecInput): string | undefined {
  if (input.ipc === 'shareable') return shmDir(paths, input.id);
  const donor = joinedId(input, 'ipc');
  if (donor && readRecord(containerPaths(paths, donor).record)?.input.ipc === 'shareable') return shmDir(paths, donor);
  return undefined;
}

/** Before a shareable container starts: its /dev/shm on the host (kept until the container is removed). */
export async function ensureShm(paths: StatePaths, input: ContainerSpecInput): Promise<void> {
  if (input.ipc !== 'shareable') return;
  const dir = shmDir(paths, input.id);
  if (isMounted(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  await mount('shm', dir, 'tmpfs', MS.NOSUID | MS.NODEV | MS.NOEXEC, `mode=1777,size=${input.shmSize ?? DEFAULT_SHM_SIZE}`);
}
