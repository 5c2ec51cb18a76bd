// Generates a container's OCI runtime config.json from a ContainerSpecInput,
// with Docker's defaults (capabilities, mounts, masked paths, device rules,
// seccomp) and the Compose service options applied on top.
import { identityLabels } from './record.js';
import { existsSync, statSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import { resolveCapabilities } from './capabilities.js';
import { defaultDeviceRules, defaultMounts, DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from './oci-defaults.js';
import { INIT_PATH_IN_CONTAINER, mergeEnv, ociUser, resolveArgs, resolveCwd } from './oci-process.js';
import { linuxResources } from './oci-resources.js';
import type { OciDevice, OciMount, OciRlimit, OciSpec } from './oci-types.js';
import { defaultSeccompProfile } from './seccomp-default.js';
import { seccompProfileFile } from './seccomp-profile.js';
import { parseSecurityOpts, type HostLsm } from './security-opts.js';
import { devNumbers } from './host-devices.js';
import { checkNamespaceOptions, namespaceEntries, type JoinPaths } from './namespaces.js';
import type { ContainerSpecInput } from './types.js';
import { resolveGroupAdd, resolveUser } from './user.js';

/** Facts about the host and the prepared bundle that the spec refers to. */
export interface SpecContext {
  /** Host path of the container's (mounted) root filesystem. */
  rootfs: string;
  /** Host paths of the generated /etc files to bind-mount (absent ones are left to the image). */
  etcFiles?: { hosts?: string; resolvConf?: string; hostname?: string };
  /** Host path of berth-init, required with init: true. */
  initPath?: string;
  /** True on a cgroup v2 (unified) host: then the container gets its own cgroup namespace. */
  cgroupV2?: boolean;
  /**
   * RLIMIT_NOFILE of the process that makes the container (berth's, as dockerd's
   * is docker's): a container without `ulimits.nofile` gets exactly these, as
   * docker's containers get the daemon's. Unknown: DEFAULT_NOFILE.
   */
  hostNofile?: { soft: number; hard: number };
  /** Node-style architecture for the seccomp profile (default process.arch). */
  arch?: string;
  /** The host's hostname, used with network_mode host. */
  hostHostname?: string;
  /** The host's device nodes, given to a privileged container (see host-devices.ts). */
  hostDevices?: OciDevice[];
  /** Capabilities the host can grant (its bounding set); "ALL" and privileged mean these. Default: every known one. */
  hostCaps?: readonly string[];
  /** Current /proc/<pid>/ns paths of the containers whose pid / ipc namespace this one joins. */
  joined?: JoinPaths;
  /** Host directory bind-mounted as /dev/shm (ipc shareable, or joining a shareable container). */
  shmSource?: string;
  /** The security modules the host has (default: read from /sys). */
  lsm?: HostLsm;
}

/** systemd's default for services, used only when the host's own limits cannot be read. */
const DEFAULT_NOFILE = { soft: 1024, hard: 524288 };

const RLIMITS = new Set(['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

// Sysctls that are namespaced (so a container may set them), as Docker allows.
const NS_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

export function defaultHostname(input: Pick<ContainerSpecInput, 'id' | 'hostname' | 'network' | 'uts'>, hostHostname?: string): string {
  if (input.hostname) return input.hostname;
  if (input.network.mode === 'host' || input.uts === 'host') return hostHostname ?? osHostname();
  return input.id.slice(0, 12);
}

function rlimits(input: ContainerSpecInput, hostNofile: { soft: number; hard: number } | undefined): OciRlimit[] {
  const { soft, hard } = hostNofile ?? DEFAULT_NOFILE;
  const out = new Map<string, OciRlimit>([['RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft, hard }]]);
  for (const [name, v] of Object.entries(input.ulimits ?? {})) {
    const n = name.toLowerCase();
    if (!RLIMITS.has(n)) throw new BerthError(`ulimits: unknown limit "${name}"`);
    const soft = typeof v === 'number' ? v : v.soft;
    const hardv = typeof v === 'number' ? v : v.hard;
    if (!Number.isInteger(soft) || !Number.isInteger(hardv)) throw new BerthError(`ulimits.${name}: soft and hard must be integers`);
    if (soft > hardv) throw new BerthError(`ulimits.${name}: soft limit ${soft} is greater than hard limit ${hardv}`);
    const type = `RLIMIT_${n.toUpperCase()}`;
    out.set(type, { type, soft, hard: hardv });
  }
  return [...out.values()];
}

function checkSysctls(input: ContainerSpecInput): Record<string, string> | undefined {
  const s = input.sysctls;
  if (!s || Object.keys(s).length === 0) return undefined;
  for (const key of Object.keys(s)) {
    const isNet = key.startsWith('net.');
    const ok = NS_SYSCTLS.has(key) || key.startsWith('fs.mqueue.') || isNet;
    if (!ok) throw new BerthError(`sysctls: "${key}" is not namespaced and cannot be set in a container`);
    if (isNet && input.network.mode === 'host') throw new BerthError(`sysctls: "${key}" cannot be set with network_mode host`);
  }
  return { ...s };
}

/** A clean absolute container path; '/' itself cannot be a mount target. */
function containerPath(p: string, what: string): string {
  if (!p.startsWith('/')) throw new BerthError(`${what}: container path must be absolute: "${p}"`);
  if (p.includes('\0')) throw new BerthError(`${what}: container path contains a NUL byte`);
  const clean = posix.normalize(p).replace(/\/+$/, '') || '/';
  if (clean === '/') throw new BerthError(`${what}: cannot mount over the container's root "/"`);
  return clean;
}

function checkHostname(h: string, what: string): void {
  if (h.length > 253 || !/^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*\.?$/.test(h)) {
    throw new BerthError(`${what}: invalid hostname "${h.slice(0, 80)}"`);
  }
}

function parseTmpfs(entry: string): OciMount {
  const i = entry.indexOf(':');
  const target = containerPath(i < 0 ? entry : entry.slice(0, i), 'tmpfs');
  const opts = i < 0 ? [] : entry.slice(i + 1).split(',').filter(Boolean);
  return { destination: target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...opts] };
}

function userMounts(input: ContainerSpecInput): OciMount[] {
  const out: OciMount[] = [];
  for (const t of input.tmpfs ?? []) out.push(parseTmpfs(t));
  for (const m of input.mounts ?? []) {
    const target = containerPath(m.target, 'volumes');
    if (m.type === 'tmpfs') {
      const options = ['nosuid', 'nodev', 'noexec', m.readOnly ? 'ro' : 'rw'];
      if (m.size !== undefined) options.push(`size=${m.size}`);
      if (m.mode !== undefined) options.push(`mode=${m.mode.toString(8)}`);
      out.push({ destination: target, type: 'tmpfs', source: 'tmpfs', options });
    } else {
      if (!m.source.startsWith('/')) throw new BerthError(`volumes: host path must be absolute: "${m.source}"`);
      if (!existsSync(m.source)) throw new BerthError(`invalid mount config for type "${m.type}": bind source path does not exist: ${m.source}`);
      out.push({ destination: target, type: 'bind', source: m.source, options: ['rbind', m.propagation ?? 'rprivate', m.readOnly ? 'ro' : 'rw'] });
    }
  }
  return out;
}

/** ipc host: the host's /dev/shm and /dev/mqueue, as Docker does; ipc none: no /dev/shm; a shared /dev/shm is bound. */
function ipcMounts(input: ContainerSpecInput, defaults: OciMount[], shm: string | undefined): OciMount[] {
  if (input.ipc === 'none') return defaults.filter((m) => m.destination !== '/dev/shm');
  if (shm) {
    return defaults.map((m) => (m.destination === '/dev/shm' ? { destination: m.destination, type: 'bind', source: shm, options: ['rbind', 'rprivate', 'nosuid', 'noexec', 'nodev', 'rw'] } : m));
  }
  if (input.ipc !== 'host') return defaults;
  return defaults.map((m) => (m.destination === '/dev/shm' || m.destination === '/dev/mqueue') && existsSync(m.destination)
    ? { destination: m.destination, type: 'bind', source: m.destination, options: ['rbind', 'rprivate', 'nosuid', 'noexec', 'nodev', 'rw'] }
    : m);
}

/** Default mounts, then the /etc files and the user's mounts (parents before children); a later mount on the same path wins. */
function allMounts(input: ContainerSpecInput, ctx: SpecContext): OciMount[] {
  const defaults = ipcMounts(input, defaultMounts({ privileged: !!input.privileged, shmSize: input.shmSize ?? DEFAULT_SHM_SIZE }), ctx.shmSource);
  const etc: OciMount[] = [];
  const ro = input.readOnly ? 'ro' : 'rw';
  const files: [string | undefined, string][] = [
    [ctx.etcFiles?.resolvConf, '/etc/resolv.conf'], [ctx.etcFiles?.hostname, '/etc/hostname'], [ctx.etcFiles?.hosts, '/etc/hosts'],
  ];
  for (const [src, dst] of files) if (src) etc.push({ destination: dst, type: 'bind', source: src, options: ['rbind', 'rprivate', ro] });
  if (input.init) {
    if (!ctx.initPath) throw new BerthError('init: berth-init was not found (build it with make -C native)');
    etc.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: ctx.initPath, options: ['bind', 'ro', 'nosuid', 'nodev'] });
  }
  // The /etc files and the init join the user's mounts in one order, parents
  // before children (as Docker sorts them): a volume on /etc must not hide
  // /etc/resolv.conf. The sort is stable: at one path the user's mount wins.
  const depth = (p: string) => p.split('/').filter(Boolean).length;
  const ordered = [...etc, ...userMounts(input)].sort((a, b) => depth(a.destination) - depth(b.destination));
  const seen = new Map<string, OciMount>();
  for (const m of [...defaults, ...ordered]) {
    seen.delete(m.destination);
    seen.set(m.destination, m);
  }
  // Keep the defaults' fixed order; overridden defaults move to where the override is.
  return [...seen.values()];
}

function hostDevice(d: { source: string; target?: string; permissions?: string }): { dev: OciDevice; rule: { allow: true; type: string; major: number; minor: number; access: string } } {
  const access = d.permissions ?? 'rwm';
  if (!/^[rwm]{1,3}$/.test(access)) throw new BerthError(`devices: invalid permissions "${access}" for ${d.source}`);
  let st;
  try {
    st = statSync(d.source, { bigint: true });
  } catch (e) {
    throw new BerthError(`devices: ${d.source}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such device' : (e as Error).message}`);
  }
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (!type) throw new BerthError(`devices: ${d.source} is not a device node`);
  const { major, minor } = devNumbers(st.rdev);
  const target = containerPath(d.target ?? d.source, 'devices');
  if (!target.startsWith('/dev/')) throw new BerthError(`devices: container path must be under /dev: "${target}"`);
  return {
    dev: { path: target, type, major, minor, fileMode: Number(st.mode & 0o777n), uid: 0, gid: 0 },
    rule: { allow: true, type, major, minor, access },
  };
}

export function generateSpec(input: ContainerSpecInput, ctx: SpecContext): OciSpec {
  if (!/^[a-f0-9]{12,64}$/.test(input.id)) throw new BerthError(`container id must be 12-64 lower-case hex characters: "${input.id}"`);
  const privileged = !!input.privileged;
  if (input.hostname) checkHostname(input.hostname, 'hostname');
  if (input.domainname) checkHostname(input.domainname, 'domainname');
  const hostname = defaultHostname(input, ctx.hostHostname);
  const sec = parseSecurityOpts(input.securityOpt, ctx.lsm);
  const user = resolveUser(input.user ?? input.image.config.User, ctx.rootfs);
  if (input.groupAdd?.length) user.additionalGids = [...new Set([...user.additionalGids, ...resolveGroupAdd(input.groupAdd, ctx.rootfs)])];
  const caps = resolveCapabilities(input, ctx.hostCaps);
  const tty = !!input.tty;

  checkNamespaceOptions(input);
  const namespaces = namespaceEntries(input, ctx.joined);
  if (input.network.mode === 'netns') {
    if (!input.network.path.startsWith('/')) throw new BerthError(`network namespace path must be absolute: "${input.network.path}"`);
    namespaces.push({ type: 'network', path: input.network.path });
  } else if (input.network.mode === 'none') namespaces.push({ type: 'network' });
  if (ctx.cgroupV2) namespaces.push({ type: 'cgroup' });

  const resources = linuxResources(input);
  resources.devices = defaultDeviceRules(privileged);
  const devices: OciDevice[] = privileged ? [...(ctx.hostDevices ?? [])] : [];
  for (const d of input.devices ?? []) {
    const { dev, rule } = hostDevice(d);
    const i = devices.findIndex((x) => x.path === dev.path);
    if (i >= 0) devices.splice(i, 1);
    devices.push(dev);
    if (!privileged) resources.devices.push(rule);
  }

  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: tty,
      user: ociUser(user),
      args: resolveArgs(input),
      env: mergeEnv({ image: input.image.config.Env, service: input.environment, hostname, home: user.home, tty }),
      cwd: resolveCwd(input),
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
      rlimits: rlimits(input, ctx.hostNofile),
      noNewPrivileges: !!sec.noNewPrivileges,
      ...(input.oomScoreAdj !== undefined ? { oomScoreAdj: input.oomScoreAdj } : {}),
      ...(sec.apparmorProfile ? { apparmorProfile: sec.apparmorProfile } : {}),
    },
    root: { path: ctx.rootfs, readonly: !!input.readOnly },
    ...(input.uts === 'host' ? {} : { hostname }),
    mounts: allMounts(input, ctx),
    annotations: { 'org.berth.container.name': input.name, ...identityLabels(input.labels) },
    linux: {
      namespaces,
      cgroupsPath: `/berth-${input.id}`,
      resources,
      rootfsPropagation: 'private',
    },
  };
  // Shared or slave bind propagation only works when the root mount allows it (as Docker adjusts it).
  const props = (input.mounts ?? []).map((m) => (m.type !== 'tmpfs' ? m.propagation ?? '' : ''));
  if (props.some((x) => x.endsWith('shared'))) spec.linux.rootfsPropagation = 'rshared';
  else if (props.some((x) => x.endsWith('slave'))) spec.linux.rootfsPropagation = 'rslave';
  if (input.domainname) spec.domainname = input.domainname;
  if (devices.length) spec.linux.devices = devices;
  const sysctl = checkSysctls(input);
  if (sysctl) spec.linux.sysctl = sysctl;
  // A profile file is applied even to a privileged container (asked for by
  // name); Docker's default profile and the masked paths are not.
  if (typeof sec.seccomp === 'object') spec.linux.seccomp = seccompProfileFile(sec.seccomp.file, caps, ctx.arch);
  else if (!privileged && sec.seccomp === 'default') spec.linux.seccomp = defaultSeccompProfile(caps, ctx.arch);
  if (!privileged && !sec.systemPathsUnconfined) {
    spec.linux.maskedPaths = [...MASKED_PATHS];
    spec.linux.readonlyPaths = [...READONLY_PATHS];
  }
  return spec;
}
