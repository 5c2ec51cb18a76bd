// `docker inspect` of a container, the parts the container layer knows: its
// record (what it was created from) and the observed State. The project
// service adds what the network and volume layers know (NetworkSettings,
// published ports, volume names). Field names and shapes are Docker's, so
// that `inspect -f '{{.State.Status}}'` and tools reading the JSON work.
import { join } from 'node:path';
import type { Containers } from './lifecycle.js';
import type { ContainerRecord } from './record.js';
import type { ShimState } from './status.js';
import { observeStatus } from './status.js';
import { DEFAULT_RUNTIME } from './runtimes.js';

interface DockerHealth { Status: string; FailingStreak: number; Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }> }

interface DockerMount {
  Type: string; Name?: string; Source: string; Destination: string; Driver?: string; Mode: string; RW: boolean; Propagation: string;
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string; Running: boolean; Paused: boolean; Restarting: boolean; OOMKilled: boolean; Dead: boolean;
    Pid: number; ExitCode: number; Error: string; StartedAt: string; FinishedAt: string; Health?: DockerHealth;
  };
  /** The image ID (sha256:…), as docker prints it; Config.Image has the reference. */
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  HostConfig: {
    Binds: string[] | null;
    NetworkMode: string;
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    Privileged: boolean;
    ReadonlyRootfs: boolean;
    Memory: number;
    MemoryReservation: number;
    NanoCpus: number;
    CpuShares: number;
    CpusetCpus: string;
    PidsLimit: number | null;
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    Tmpfs: Record<string, string> | null;
    Init: boolean | null;
    ShmSize: number;
    /** The OCI runtime by name (Compose `runtime:`). */
    Runtime: string;
  };
  GraphDriver: { Name: string; Data: { LowerDir: string; UpperDir: string; WorkDir: string; MergedDir: string } };
  Mounts: DockerMount[];
  Config: {
    Hostname: string; Domainname: string; User: string; Tty: boolean; OpenStdin: boolean;
    ExposedPorts: Record<string, object> | null;
    Env: string[]; Cmd: string[] | null; Entrypoint: string[] | null; Image: string; WorkingDir: string;
    Labels: Record<string, string>; StopSignal: string; StopTimeout: number;
  };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Object with keys in sorted order: Go prints (and encodes) maps that way. */
export function sortedMap<T>(entries: Array<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function health(h: ShimState['health'] | undefined): DockerHealth | undefined {
  if (!h) return undefined;
  return { Status: h.status, FailingStreak: h.failingStreak, Log: h.log.map((l) => ({ Start: l.start, End: l.end, ExitCode: l.exitCode, Output: l.output })) };
}

function restartPolicy(p: string): { Name: string; MaximumRetryCount: number } {
  const m = /^on-failure(?::(\d+))?$/.exec(p);
  return m ? { Name: 'on-failure', MaximumRetryCount: Number(m[1] ?? 0) } : { Name: p, MaximumRetryCount: 0 };
}

/** Entrypoint and Cmd as docker reports them: the service's, else the image's (an entrypoint override resets Cmd). */
function command(rec: ContainerRecord): { Entrypoint: string[] | null; Cmd: string[] | null } {
  const i = rec.input;
  const Entrypoint = i.entrypoint ?? i.image.config.Entrypoint ?? null;
  const Cmd = i.command ?? (i.entrypoint ? null : i.image.config.Cmd ?? null);
  return { Entrypoint: Entrypoint?.length ? Entrypoint : null, Cmd: Cmd?.length ? Cmd : null };
}

function mounts(rec: ContainerRecord): DockerMount[] {
  return (rec.input.mounts ?? []).flatMap((m) => {
    if (m.type === 'tmpfs') return [];
    const propagation = m.type === 'bind' ? m.propagation ?? 'rprivate' : '';
    return [{ Type: m.type, Source: m.source, Destination: m.target, Mode: m.type === 'volume' ? 'z' : '', RW: !m.readOnly, Propagation: propagation }];
  });
}

function tmpfs(rec: ContainerRecord): Record<string, string> | null {
  const entries: Array<[string, string]> = [];
  for (const m of rec.input.mounts ?? []) if (m.type === 'tmpfs') entries.push([m.target, [m.size ? `size=${m.size}` : '', m.mode ? `mode=${m.mode.toString(8)}` : ''].filter(Boolean).join(',')]);
  for (const t of rec.input.tmpfs ?? []) { const i = t.indexOf(':'); entries.push(i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)]); }
  return entries.length ? sortedMap(entries) : null;
}

export function inspectRecord(c: Containers, rec: ContainerRecord): ContainerInspect {
  const p = c.pathsOf(rec.id);
  const obs = observeStatus(p, rec.id);
  const st = obs.state;
  const live = obs.shimAlive && (obs.status === 'running' || obs.status === 'paused' || obs.status === 'restarting');
  const i = rec.input;
  const network = i.network.mode === 'netns' ? 'bridge' : i.network.mode;
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.process.args[0] ?? '',
    Args: rec.process.args.slice(1),
    State: {
      Status: obs.status,
      Running: live && obs.status !== 'restarting',
      Paused: live && obs.status === 'paused',
      Restarting: live && obs.status === 'restarting',
      OOMKilled: !!st?.oomKilled,
      Dead: obs.status === 'dead',
      Pid: live ? st?.pid ?? 0 : 0,
      ExitCode: st?.exitCode ?? 0,
      Error: st?.error ?? obs.note ?? '',
      StartedAt: st?.startedAt ?? ZERO_TIME,
      FinishedAt: st?.finishedAt ?? ZERO_TIME,
      ...(st?.health ? { Health: health(st.health) } : {}),
    },
    Image: rec.image.id ?? '',
    ResolvConfPath: join(p.etc, 'resolv.conf'),
    HostnamePath: join(p.etc, 'hostname'),
    HostsPath: join(p.etc, 'hosts'),
    LogPath: rec.logPath,
    Name: `/${rec.name}`,
    RestartCount: st?.restartCount ?? 0,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: {
      Binds: null,
      NetworkMode: network,
      PortBindings: {},
      RestartPolicy: restartPolicy(rec.shim.restart),
      Privileged: !!i.privileged,
      ReadonlyRootfs: !!i.readOnly,
      Memory: i.memLimit ?? 0,
      MemoryReservation: i.memReservation ?? 0,
      NanoCpus: i.cpus ? Math.round(i.cpus * 1e9) : 0,
      CpuShares: i.cpuShares ?? 0,
      CpusetCpus: i.cpuset ?? '',
      PidsLimit: i.pidsLimit && i.pidsLimit > 0 ? i.pidsLimit : null,
      CapAdd: i.capAdd?.length ? i.capAdd : null,
      CapDrop: i.capDrop?.length ? i.capDrop : null,
      SecurityOpt: i.securityOpt?.length ? i.securityOpt : null,
      Tmpfs: tmpfs(rec),
      Init: i.init ?? null,
      ShmSize: i.shmSize ?? 64 * 1024 * 1024,
      Runtime: rec.runtime?.name ?? DEFAULT_RUNTIME,
    },
    GraphDriver: {
      Name: 'overlay2',
      Data: { LowerDir: rec.layers.lower.map((l) => join(rec.layers.base, l)).join(':'), UpperDir: rec.upper, WorkDir: rec.work, MergedDir: rec.rootfs },
    },
    Mounts: mounts(rec),
    Config: {
      Hostname: i.hostname ?? rec.id.slice(0, 12), Domainname: i.domainname ?? '',
      User: i.user ?? i.image.config.User ?? '', Tty: rec.shim.tty, OpenStdin: rec.shim.stdin,
      ExposedPorts: i.image.config.ExposedPorts ? sortedMap(Object.keys(i.image.config.ExposedPorts).map((k) => [k, {}])) : null,
      Env: rec.process.env, ...command(rec), Image: rec.image.ref, WorkingDir: rec.process.cwd,
      Labels: sortedMap(Object.entries(rec.labels)), StopSignal: rec.shim.stopSignal, StopTimeout: rec.shim.stopTimeout,
    },
  };
}

export function inspect(c: Containers, ref: string): ContainerInspect {
  return inspectRecord(c, c.resolve(ref));
}
