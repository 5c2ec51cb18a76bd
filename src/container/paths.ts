// Where a container's files live, and where the native binaries are found.
//   <root>/containers/<id>/config.json   berth's record (not the OCI config)
//   <root>/containers/<id>/state.json    written by the shim (its --state-dir)
//   <root>/containers/<id>/bundle/       OCI bundle: config.json (root.path → the mount below)
//   <root>/containers/<id>/upper, work   the container's writable overlay layer
//   <root>/containers/<id>/etc/          generated hosts, resolv.conf, hostname
//   <root>/containers/<id>/<id>-json.log the json-file log (Docker's name)
//   <runtime>/c/<id>/rootfs              the overlay mount point
//   <runtime>/s/<id[:12]>.sock           the shim's control socket (short: 107-byte limit)
//   <runtime>/oci/                       the OCI runtime's --root
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { repoRoot } from '../repo-root.js';
import type { BerthConfig } from '../config.js';

const SOCKET_PATH_MAX = 107;

export interface ContainerPaths {
  dir: string;
  record: string;
  state: string;
  shimPid: string;
  bundle: string;
  ociConfig: string;
  upper: string;
  work: string;
  etc: string;
  log: string;
  health: string;
  runDir: string;
  rootfs: string;
  socket: string;
  runtimeRoot: string;
}

export function containerPaths(sp: StatePaths, id: string): ContainerPaths {
  const dir = join(sp.containers, id);
  const runDir = join(sp.runtime, 'c', id);
  const bundle = join(dir, 'bundle');
  return {
    dir,
    record: join(dir, 'config.json'),
    state: join(dir, 'state.json'),
    shimPid: join(dir, 'shim.pid'),
    bundle,
    ociConfig: join(bundle, 'config.json'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    etc: join(dir, 'etc'),
    log: join(dir, `${id}-json.log`),
    health: join(dir, 'health.json'),
    runDir,
    rootfs: join(runDir, 'rootfs'),
    socket: join(sp.runtime, 's', `${id.slice(0, 12)}.sock`),
    runtimeRoot: join(sp.runtime, 'oci'),
  };
}

export function checkSocketPath(path: string): void {
  if (Buffer.byteLength(path) > SOCKET_PATH_MAX) {
    throw new BerthError(`control socket path is ${Buffer.byteLength(path)} bytes, over the ${SOCKET_PATH_MAX}-byte unix socket limit: ${path} (use a shorter runtime dir)`);
  }
}


export interface Binaries { shim: string; runtime: string; init: string }

/** The shim, OCI runtime and init: native/out/ (of BERTH_REPO, else this checkout) unless BERTH_SHIM, BERTH_RUNTIME, BERTH_INIT say otherwise. */
export function binaries(cfg: Pick<BerthConfig, 'repo' | 'shim' | 'runtime' | 'init'>): Binaries {
  const nativeOut = join(cfg.repo ?? repoRoot(), 'native/out');
  return {
    shim: cfg.shim ?? join(nativeOut, 'berth-shim'),
    runtime: cfg.runtime ?? join(nativeOut, 'berth-runtime'),
    init: cfg.init ?? join(nativeOut, 'berth-init'),
  };
}

export function requireBinary(path: string, what: string): string {
  if (!existsSync(path)) throw new BerthError(`${what} not found at ${path}: build it with make -C native`);
  return path;
}
