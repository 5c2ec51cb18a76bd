// A normalized Compose service + its image → the container layer's
// ContainerSpecInput. Pure: the network, mount and /etc parts are resolved by
// the caller (they need the kernel) and passed in.
import { isAbsolute, resolve } from 'node:path';
import { BerthError } from '../errors.js';
import { normalizeExpose } from '../network/ports.js';
import type { Project, Service } from '../compose/model.js';
import { seccompProfileFile } from '../container/seccomp-profile.js';
import { parseSecurityOpts } from '../container/security-opts.js';
import { parseBytes, parseDuration } from '../units.js';
import type { ContainerSpecInput, HealthcheckInput, ImageConfig, MountInput, NetworkInput, RestartPolicy } from '../container/types.js';

export interface SpecParts {
  id: string;
  name: string;
  image: { ref: string; id: string; config: ImageConfig };
  rootfs: { base: string; lower: string[] };
  labels: Record<string, string>;
  mounts: MountInput[];
  network: NetworkInput;
  etcFiles?: ContainerSpecInput['etcFiles'];
  hostname?: string;
  /** The project directory: a relative `seccomp=FILE` is found there. */
  projectDir?: string;
}

/** security_opt with a relative seccomp profile path made absolute against the project directory. */
function securityOpts(opts: string[] | undefined, dir: string | undefined): string[] | undefined {
  return opts?.map((o) => {
    const m = /^seccomp[=:](.+)$/.exec(o.trim());
    if (!m || m[1] === 'unconfined' || isAbsolute(m[1]!)) return o;
    return `seccomp=${resolve(dir ?? process.cwd(), m[1]!)}`;
  });
}

const ns = (what: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  try { return parseDuration(v); } catch (e) { throw new BerthError(`${what}: ${(e as Error).message}`); }
};

const bytes = (what: string, v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  try { return parseBytes(v as string | number); } catch (e) { throw new BerthError(`${what}: ${(e as Error).message}`); }
};

function healthcheckOf(s: Service): HealthcheckInput | undefined {
  const h = s.healthcheck;
  if (!h) return undefined;
  if (h.disable) return { disable: true };
  return {
    test: h.test, interval: ns('healthcheck.interval', h.interval), timeout: ns('healthcheck.timeout', h.timeout),
    retries: h.retries, startPeriod: ns('healthcheck.start_period', h.start_period), startInterval: ns('healthcheck.start_interval', h.start_interval),
  };
}

interface Resources { limits?: { cpus?: string | number; memory?: string | number; pids?: number }; reservations?: { memory?: string | number } }

function environmentOf(s: Service): Record<string, string> | undefined {
  if (!s.environment) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Why the service's security_opt cannot be honoured here (checked before anything is created), or undefined. */
export function securityOptError(project: Project, service: string): string | undefined {
  const s = project.services[service];
  if (!s?.security_opt?.length) return undefined;
  try {
    const sec = parseSecurityOpts(securityOpts(s.security_opt, project.workingDir));
    if (typeof sec.seccomp === 'object') seccompProfileFile(sec.seccomp.file, []);
  } catch (e) {
    if (e instanceof BerthError) return `service "${service}": ${e.message}`;
    throw e;
  }
  return undefined;
}

export function serviceSpec(s: Service, p: SpecParts): ContainerSpecInput {
  const res = (s.deploy?.resources ?? {}) as Resources;
  const logOpts = s.logging?.options ?? {};
  const cpus = s.cpus ?? (res.limits?.cpus !== undefined ? Number(res.limits.cpus) : undefined);
  if (cpus !== undefined && !(cpus >= 0)) throw new BerthError(`cpus: invalid value ${String(res.limits?.cpus)}`);
  return {
    id: p.id,
    name: p.name,
    image: p.image,
    rootfs: p.rootfs,
    ...(s.command != null ? { command: s.command } : {}),
    ...(s.entrypoint != null ? { entrypoint: s.entrypoint } : {}),
    environment: environmentOf(s),
    user: s.user,
    workingDir: s.working_dir,
    hostname: p.hostname ?? s.hostname,
    domainname: s.domainname,
    ...(s.expose?.length ? { expose: normalizeExpose(s.expose) } : {}),
    capAdd: s.cap_add,
    capDrop: s.cap_drop,
    privileged: s.privileged,
    securityOpt: securityOpts(s.security_opt, p.projectDir),
    groupAdd: s.group_add,
    oomScoreAdj: s.oom_score_adj,
    readOnly: s.read_only,
    ulimits: s.ulimits,
    sysctls: s.sysctls,
    shmSize: bytes('shm_size', s.shm_size),
    init: s.init,
    stopSignal: s.stop_signal,
    stopGracePeriod: ns('stop_grace_period', s.stop_grace_period),
    memLimit: bytes('mem_limit', s.mem_limit) ?? bytes('deploy.resources.limits.memory', res.limits?.memory),
    memReservation: bytes('mem_reservation', s.mem_reservation) ?? bytes('deploy.resources.reservations.memory', res.reservations?.memory),
    memswapLimit: s.memswap_limit === '-1' ? -1 : bytes('memswap_limit', s.memswap_limit),
    cpus,
    cpuShares: s.cpu_shares,
    cpuset: s.cpuset as string | undefined,
    pidsLimit: s.pids_limit ?? res.limits?.pids,
    devices: s.devices?.map((d) => ({ source: d.source, target: d.target, permissions: d.permissions })),
    labels: { ...(s.labels ?? {}), ...p.labels },
    mounts: p.mounts,
    tmpfs: s.tmpfs,
    network: p.network,
    etcFiles: p.etcFiles,
    restart: (s.restart ?? 'no') as RestartPolicy,
    healthcheck: healthcheckOf(s),
    logging: { maxSize: bytes('logging.options.max-size', logOpts['max-size']), maxFile: logOpts['max-file'] ? Number(logOpts['max-file']) : undefined },
    tty: s.tty,
    stdinOpen: s.stdin_open,
    ...(s.runtime ? { runtime: s.runtime } : {}),
  };
}

/** Whether the container will run a healthcheck: its own, else the image's (unless disabled). */
export function hasHealthcheck(s: Service | undefined, image: ImageConfig | undefined): boolean {
  const h = s?.healthcheck;
  if (h?.disable || h?.test?.[0] === 'NONE') return false;
  if (h?.test?.length) return true;
  const t = image?.Healthcheck?.Test;
  return !!t?.length && t[0] !== 'NONE';
}
