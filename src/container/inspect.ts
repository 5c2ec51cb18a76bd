// `docker inspect`-like view of a container: its record plus the observed State.
import type { Containers } from './lifecycle.js';
import type { ContainerRecord } from './record.js';
import type { ShimState } from './status.js';
import { observeStatus } from './status.js';

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  ImageId?: string;
  Path: string;
  Args: string[];
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Signal: string | null;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
    Health?: ShimState['health'];
  };
  RestartCount: number;
  LogPath: string;
  Config: { Env: string[]; WorkingDir: string; User: string; Labels: Record<string, string>; Tty: boolean; OpenStdin: boolean; StopSignal: string; StopTimeout: number };
  Bundle: string;
  Rootfs: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function inspectRecord(c: Containers, rec: ContainerRecord): ContainerInspect {
  const obs = observeStatus(c.pathsOf(rec.id), rec.id);
  const st = obs.state;
  const live = obs.shimAlive && (obs.status === 'running' || obs.status === 'paused' || obs.status === 'restarting');
  return {
    Id: rec.id,
    Name: rec.name,
    Created: rec.created,
    Image: rec.image.ref,
    ImageId: rec.image.id,
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
      Signal: st?.signal ?? null,
      Error: st?.error ?? obs.note ?? '',
      StartedAt: st?.startedAt ?? ZERO_TIME,
      FinishedAt: st?.finishedAt ?? ZERO_TIME,
      ...(st?.health ? { Health: st.health } : {}),
    },
    RestartCount: st?.restartCount ?? 0,
    LogPath: rec.logPath,
    Config: {
      Env: rec.process.env, WorkingDir: rec.process.cwd, User: rec.input.user ?? rec.input.image.config.User ?? '',
      Labels: rec.labels, Tty: rec.shim.tty, OpenStdin: rec.shim.stdin, StopSignal: rec.shim.stopSignal, StopTimeout: rec.shim.stopTimeout,
    },
    Bundle: rec.bundle,
    Rootfs: rec.rootfs,
  };
}

export function inspect(c: Containers, ref: string): ContainerInspect {
  return inspectRecord(c, c.resolve(ref));
}
