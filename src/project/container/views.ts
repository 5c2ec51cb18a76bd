// The engine-level views of one container named by id, prefix or name:
// logs, exec, top, port and cp, over the same machinery the Compose verbs use.
import { BerthError } from '../../errors.js';
import { top } from '../../container/index.js';
import { containerRoot } from '../../cp/container-root.js';
import { containerSide } from '../../cp/sides.js';
import type { LogEntry } from '../../logs/entry.js';
import { ContainerLog } from '../../logs/source.js';
import { parseTimeArg } from '../../logs/time.js';
import { lookupPorts } from '../../network/endpoints.js';
import type { Engine } from '../engine.js';
import { copyBetween } from '../cp.js';
import { execArgs, runInherited, type ExecRequest } from '../exec.js';
import { attachOneOff } from '../one-off-attach.js';
import { containerOf, statusOf } from './lifecycle.js';

export interface ContainerLogOptions {
  tail?: number;
  since?: string;
  until?: string;
  follow?: boolean;
  signal?: AbortSignal;
  onEntry: (e: LogEntry) => void;
}

/** The container's log; with follow, until the container stops or the signal aborts (as `docker logs -f`). */
export async function containerLogs(engine: Engine, ref: string, o: ContainerLogOptions): Promise<void> {
  const rec = containerOf(engine, ref);
  const now = new Date();
  const since = o.since ? parseTimeArg('--since', o.since, now) : undefined;
  const until = o.until ? parseTimeArg('--until', o.until, now) : undefined;
  const keep = (e: LogEntry) => (!since || e.time >= since) && (!until || e.time <= until);
  const log = new ContainerLog(rec.logPath);
  const emit = (es: LogEntry[]) => { for (const e of es) if (keep(e)) o.onEntry(e); };
  try {
    emit(log.initial(o.tail));
    const up = () => ['running', 'paused', 'restarting'].includes(statusOf(engine, rec).status);
    while (o.follow && !o.signal?.aborted && up()) {
      await new Promise((r) => setTimeout(r, 100));
      emit(log.poll());
    }
    emit(log.poll());
    emit(log.flush());
  } finally {
    log.close();
  }
}

/** `exec` in a running container; resolves with the command's exit code. */
export async function execInContainer(engine: Engine, ref: string, argv: string[], r: ExecRequest): Promise<number> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  if (st === 'paused') throw new BerthError(`container ${rec.id} is paused, unpause the container before exec`);
  if (st !== 'running') throw new BerthError(`container ${rec.id} is not running`);
  return runInherited(engine.containers.runtimeOf(rec), execArgs(rec, argv, r));
}

/** The host pids of the container's processes, in the runtime's order. */
export async function containerProcesses(engine: Engine, ref: string): Promise<number[]> {
  const rec = containerOf(engine, ref);
  const t = await top(engine.containers, rec.id);
  return t.processes.map((r) => Number(r[1]));
}

/** The host addresses of the container's published ports (of `target`, or all). */
export function containerPorts(engine: Engine, ref: string, target?: number, protocol: 'tcp' | 'udp' = 'tcp') {
  const rec = containerOf(engine, ref);
  return lookupPorts(engine.paths, rec.id, target, protocol);
}

export interface ContainerCopy {
  ref: string;
  /** The path inside the container. */
  path: string;
  /** The local path, or '-' (a tar archive on stdin or to stdout). */
  local: string;
  toContainer: boolean;
  archive?: boolean;
  followLink?: boolean;
}

/** `cp` between the local filesystem (or a tar stream) and a container (running or stopped). */
export async function copyWithEngineContainer(engine: Engine, o: ContainerCopy): Promise<void> {
  const rec = containerOf(engine, o.ref);
  const at = containerRoot(engine.containers, rec);
  if (!at) throw new BerthError(`container ${rec.name}: its root filesystem is not mounted; start it first`);
  const side = containerSide(rec.name, at.root, rec.process.cwd || '/');
  await copyBetween(side, o);
}

/** Attaches to a running container's output (and stdin when it keeps one open) until it exits; its exit code. */
export async function attachContainer(engine: Engine, ref: string, stdin: boolean): Promise<number> {
  const rec = containerOf(engine, ref);
  const st = statusOf(engine, rec).status;
  if (st !== 'running' && st !== 'paused' && st !== 'restarting') throw new BerthError('You cannot attach to a stopped container, start it first');
  return attachOneOff(engine.containers, rec.id, rec.shim.tty, stdin && rec.shim.stdin && !rec.shim.tty);
}
