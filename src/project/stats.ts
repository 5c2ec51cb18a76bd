// `stats`: one sample per container: cgroup counters from the container
// layer, network bytes from the container's netns (/proc/<pid>/net/dev) and
// block I/O from the blkio/io controller. The caller takes CPU % from two.
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { stats } from '../container/index.js';
import { observeStatus } from '../container/status.js';
import type { ContainerRecord } from '../container/record.js';
import { projectContainers } from '../logs/select.js';
import type { Containers } from '../container/lifecycle.js';
import { pathsAt } from './state-root.js';
import { Engine } from './engine.js';

export interface RawSample {
  at: number;
  cpuNs: number;
  mem: number;
  limit: number;
  pids: number;
  rx: number;
  tx: number;
  read: number;
  write: number;
  running: boolean;
}

function netBytes(pid: number): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  try {
    for (const line of readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').slice(2)) {
      const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
      if (!m || m[1] === 'lo') continue;
      const f = m[2]!.trim().split(/\s+/).map(Number);
      rx += f[0] ?? 0;
      tx += f[8] ?? 0;
    }
  } catch { /* exited */ }
  return { rx, tx };
}

function blockBytes(id: string): { read: number; write: number } {
  const name = `berth-${id}`;
  try {
    const v2 = readFileSync(join('/sys/fs/cgroup', name, 'io.stat'), 'utf8');
    let read = 0;
    let write = 0;
    for (const m of v2.matchAll(/rbytes=(\d+) wbytes=(\d+)/g)) { read += Number(m[1]); write += Number(m[2]); }
    return { read, write };
  } catch { /* v1 below */ }
  try {
    const v1 = readFileSync(join('/sys/fs/cgroup/blkio', name, 'blkio.throttle.io_service_bytes'), 'utf8');
    let read = 0;
    let write = 0;
    for (const m of v1.matchAll(/^\S+ (Read|Write) (\d+)$/gm)) (m[1] === 'Read' ? (read += Number(m[2])) : (write += Number(m[2])));
    return { read, write };
  } catch {
    return { read: 0, write: 0 };
  }
}

function sample(c: Containers, rec: ContainerRecord): RawSample {
  const obs = observeStatus(c.pathsOf(rec.id), rec.id);
  const zero: RawSample = { at: Date.now(), cpuNs: 0, mem: 0, limit: 0, pids: 0, rx: 0, tx: 0, read: 0, write: 0, running: false };
  if (obs.status !== 'running' && obs.status !== 'paused') return zero;
  let s;
  try {
    s = stats(c, rec.id);
  } catch {
    return zero;
  }
  const net = netBytes(obs.state?.pid ?? 0);
  const blk = blockBytes(rec.id);
  return {
    at: Date.now(), cpuNs: s.cpu.usageNs, mem: s.memory.usage, limit: s.memory.limit ?? totalmem(), pids: s.pids.current,
    rx: net.rx, tx: net.tx, read: blk.read, write: blk.write, running: true,
  };
}


export interface StatsOptions {
  root?: string;
  project: string;
  services: string[];
  /** Stopped containers too (their samples are zero). */
  all?: boolean;
}

export interface ContainerSample {
  id: string;
  name: string;
  sample: RawSample;
}

/** A function that samples the project's (running, or --all) containers each time it is called. */
export function statsSampler(o: StatsOptions): () => ContainerSample[] {
  const paths = pathsAt(o.root);
  const c = new Engine(paths).containers;
  return () => projectContainers(paths, o.project, { services: o.services }).map((p) => p.record)
    .filter((r) => o.all || ['running', 'paused'].includes(observeStatus(c.pathsOf(r.id), r.id).status))
    .map((r) => ({ id: r.id, name: r.name, sample: sample(c, r) }));
}

/** The same sampler over containers named by id, prefix or name (engine form: `container stats`); none named: every one. */
export function containerStatsSampler(o: { root?: string; refs: string[]; all?: boolean }): () => ContainerSample[] {
  const c = new Engine(pathsAt(o.root)).containers;
  const pick = () => (o.refs.length ? o.refs.map((r) => c.resolve(r)) : c.list().map((x) => x.record));
  return () => pick()
    .filter((r) => o.refs.length || o.all || ['running', 'paused'].includes(observeStatus(c.pathsOf(r.id), r.id).status))
    .map((r) => ({ id: r.id, name: r.name, sample: sample(c, r) }));
}
