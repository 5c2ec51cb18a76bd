// `container run|create` flags → a one-service Compose project, loaded by
// the Compose loader itself: docker's flags are spelled like Compose's short
// syntax (ports, volumes, extra hosts, durations, sizes), so one parser and
// one normalizer serve both, and an engine container goes through the same
// spec path as a service container. The project is a vehicle only: its name
// (ENGINE_SCOPE) is not a valid Compose project name, and the container it
// makes carries no Compose labels.
import { resolve as resolvePath } from 'node:path';
import { ComposeError } from '../../compose/errors.js';
import type { Project } from '../../compose/model.js';
import { loadProjectSync } from '../../compose/project.js';
import { parseVolumeString } from '../../compose/syntax.js';
import { BerthError } from '../../errors.js';

/** The scope of engine containers' pending markers and lock (a Compose project name cannot start with "_"). */
export const ENGINE_SCOPE = '_engine';

/** Network modes docker names with --network, besides a network's name. */
const MODES = /^(host|none|bridge|container:.+)$/;

export interface HealthFlags { cmd?: string; interval?: string; timeout?: string; retries?: number; startPeriod?: string }

/** What `container run` and `container create` were asked for, flags already split into values. */
export interface ContainerRunSpec {
  image: string;
  /** Arguments after the image: the command (default: the image's). */
  command: string[];
  /** undefined: a random name (create picks it). */
  name?: string;
  tty?: boolean;
  interactive?: boolean;
  /** KEY=VALUE, or KEY alone (its value from this environment, as docker reads it). */
  env?: string[];
  envFiles?: string[];
  publish?: string[];
  /** -P: each port the image exposes, on a random host port. */
  publishAll?: boolean;
  /** The image's exposed ports, filled in by create for -P. */
  exposedPorts?: string[];
  volumes?: string[];
  /** --mount: docker's key=value lists. */
  mounts?: string[];
  tmpfs?: string[];
  /** A berth network's name, or host, none, container:NAME; undefined: the default network. */
  network?: string;
  ip?: string;
  networkAliases?: string[];
  user?: string;
  workdir?: string;
  /** One executable ("" resets the image's entrypoint). */
  entrypoint?: string;
  restart?: string;
  memory?: string;
  cpus?: number;
  pidsLimit?: number;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  readOnly?: boolean;
  securityOpt?: string[];
  init?: boolean;
  health?: HealthFlags;
  labels?: string[];
  hostname?: string;
  dns?: string[];
  addHosts?: string[];
  runtime?: string;
  /** always, missing or never (docker's --pull). */
  pull?: string;
  /** Relative bind sources and env files are taken from here. */
  cwd?: string;
}

/** The network mode or network the container joins; `defaultNetwork` when none was named. */
export function networkChoice(spec: ContainerRunSpec, defaultNetwork: string): { mode?: string; network?: string } {
  const n = spec.network ?? defaultNetwork;
  if (n === 'bridge') return { network: defaultNetwork };
  return MODES.test(n) ? { mode: n } : { network: n };
}

/** docker's --mount "type=bind,source=/a,target=/b,readonly" → Compose's long volume syntax. */
export function mountEntry(spec: string): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'volume' };
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim();
    const val = i < 0 ? undefined : part.slice(i + 1);
    switch (key) {
      case 'type': out.type = val; break;
      case 'source': case 'src': out.source = val; break;
      case 'target': case 'destination': case 'dst': out.target = val; break;
      case 'readonly': case 'ro': out.read_only = val === undefined || val === 'true' || val === '1'; break;
      case 'bind-propagation': out.bind = { propagation: val }; break;
      case 'volume-nocopy': out.volume = { nocopy: val === undefined || val === 'true' }; break;
      case 'volume-subpath': out.volume = { ...(out.volume as object ?? {}), subpath: val }; break;
      case 'tmpfs-size': out.tmpfs = { ...(out.tmpfs as object ?? {}), size: val }; break;
      case 'tmpfs-mode': out.tmpfs = { ...(out.tmpfs as object ?? {}), mode: Number.parseInt(val ?? '', 8) }; break;
      default: throw new BerthError(`invalid --mount "${spec}": unknown key "${key}"`, 125);
    }
  }
  if (!out.target) throw new BerthError(`invalid --mount "${spec}": target is required`, 125);
  return out;
}

/** Every string doubled in its "$" so that the loader's interpolation leaves the flags as typed. */
function literal(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', () => '$$');
  if (Array.isArray(v)) return v.map(literal);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)]));
  return v;
}

function healthcheck(h: HealthFlags | undefined): Record<string, unknown> | undefined {
  if (!h || Object.values(h).every((v) => v === undefined)) return undefined;
  return {
    ...(h.cmd !== undefined ? { test: h.cmd === 'none' ? ['NONE'] : ['CMD-SHELL', h.cmd] } : {}),
    interval: h.interval, timeout: h.timeout, retries: h.retries, start_period: h.startPeriod,
  };
}

const list = <T>(v: T[] | undefined): T[] | undefined => (v?.length ? v : undefined);

/** The Compose service the flags describe, as a file would spell it (undefined keys dropped). */
function rawService(spec: ContainerRunSpec & { name: string }, net: { mode?: string; network?: string }): Record<string, unknown> {
  const cwd = spec.cwd ?? process.cwd();
  const volumes = [...(spec.volumes ?? []), ...(spec.mounts ?? []).map(mountEntry)];
  return {
    image: spec.image,
    container_name: spec.name,
    command: spec.command.length ? spec.command : undefined,
    entrypoint: spec.entrypoint === undefined ? undefined : spec.entrypoint === '' ? [] : [spec.entrypoint],
    environment: list(spec.env),
    env_file: list(spec.envFiles?.map((p) => ({ path: resolvePath(cwd, p), format: 'raw' }))),
    ports: list([...(spec.publish ?? []), ...(spec.exposedPorts ?? [])]),
    volumes: list<unknown>(volumes),
    tmpfs: list(spec.tmpfs),
    network_mode: net.mode,
    networks: net.network ? { [net.network]: { ipv4_address: spec.ip, aliases: list(spec.networkAliases) } } : undefined,
    user: spec.user, working_dir: spec.workdir, restart: spec.restart,
    mem_limit: spec.memory, cpus: spec.cpus, pids_limit: spec.pidsLimit,
    cap_add: list(spec.capAdd), cap_drop: list(spec.capDrop), privileged: spec.privileged || undefined,
    read_only: spec.readOnly || undefined, security_opt: list(spec.securityOpt), init: spec.init || undefined,
    healthcheck: healthcheck(spec.health), labels: list(spec.labels), hostname: spec.hostname, dns: list(spec.dns),
    extra_hosts: list(spec.addHosts), runtime: spec.runtime,
    tty: spec.tty || undefined, stdin_open: spec.interactive || undefined,
  };
}

/**
 * The one-service project for the flags. The service is named after the
 * container (its DNS name on the network); named volumes and the network are
 * declared external (they exist, or are made by the caller, before create).
 */
export function engineProject(spec: ContainerRunSpec & { name: string }, defaultNetwork: string): Project {
  const net = networkChoice(spec, defaultNetwork);
  const service = rawService(spec, net);
  const named = namedVolumes(spec);
  const doc = literal({
    services: { [spec.name]: service },
    ...(net.network ? { networks: { [net.network]: { name: net.network, external: true } } } : {}),
    ...(named.length ? { volumes: Object.fromEntries(named.map((v) => [v, { name: v, external: true }])) } : {}),
  });
  let project: Project;
  try {
    // JSON is YAML: the loader reads the document as it reads a file on stdin.
    project = loadProjectSync({
      files: ['-'], stdin: JSON.stringify(doc), projectName: 'engine', workingDir: spec.cwd ?? process.cwd(), env: process.env, positions: false,
    });
  } catch (e) {
    if (e instanceof ComposeError) throw new BerthError(`invalid options: ${e.detail}`, 125);
    throw e;
  }
  return { ...project, name: ENGINE_SCOPE, composeFiles: [] };
}

/** The named volumes the flags mount (-v NAME:/path, --mount type=volume,source=NAME). */
export function namedVolumes(spec: ContainerRunSpec): string[] {
  const names = new Set<string>();
  for (const v of spec.volumes ?? []) {
    let parsed;
    try { parsed = parseVolumeString(v); } catch (e) { throw new BerthError(`invalid volume "${v}": ${(e as Error).message}`, 125); }
    if (parsed.type === 'volume' && parsed.source) names.add(parsed.source);
  }
  for (const m of spec.mounts ?? []) {
    const e = mountEntry(m);
    if (e.type === 'volume' && typeof e.source === 'string' && e.source) names.add(e.source);
  }
  return [...names];
}
