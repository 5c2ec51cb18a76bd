// Operations that go straight to the OCI runtime or the kernel for a running
// container: exec (with tty passthrough), top (runtime ps + /proc) and stats
// (cgroup files).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { signalNumber } from '../signals.js';
import type { Containers } from './lifecycle.js';
import { observeStatus } from './status.js';
import { execExitCode } from './exec-failure.js';

export interface ExecOptions {
  tty?: boolean;
  env?: Record<string, string>;
  /** "uid[:gid]" (numeric, as the OCI runtime takes it). */
  user?: string;
  workdir?: string;
  /** Capabilities for the process (exec --privileged: every one this process holds). */
  caps?: string[];
  /** 'inherit' passes this process's stdio through (for `exec -it`); 'pipe' captures output. */
  stdio?: 'inherit' | 'pipe';
  /** Data written to the process's stdin with stdio 'pipe'. */
  input?: string | Buffer;
}

export interface ExecResult { exitCode: number; stdout: string; stderr: string }

function runningRecord(c: Containers, ref: string) {
  const rec = c.resolve(ref);
  const obs = observeStatus(c.pathsOf(rec.id), rec.id);
  if (obs.status !== 'running' && obs.status !== 'paused') throw new BerthError(`container ${rec.name} is not running`);
  if (obs.status === 'paused') throw new BerthError(`container ${rec.name} is paused, unpause it first`);
  return { rec, pid: obs.state!.pid };
}

/** Runs `argv` inside the container through `runtime exec`. */
export async function exec(c: Containers, ref: string, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new BerthError('exec: no command given');
  const { rec } = runningRecord(c, ref);
  const args = ['--root', rec.runtimeRoot, 'exec'];
  if (o.tty) args.push('--tty');
  if (o.workdir) args.push('--cwd', o.workdir);
  if (o.user) {
    if (!/^\d+(:\d+)?$/.test(o.user)) throw new BerthError(`exec: user must be uid[:gid], got "${o.user}"`);
    args.push('--user', o.user);
  }
  for (const [k, v] of Object.entries(o.env ?? {})) args.push('--env', `${k}=${v}`);
  for (const cap of o.caps ?? []) args.push('--cap', cap);
  args.push(rec.id, ...argv);
  const stdio = o.stdio ?? 'pipe';
  const died = c.execStarted(rec, argv);
  const runtime = c.runtimeOf(rec);
  return new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(runtime, args, { stdio: stdio === 'inherit' ? 'inherit' : ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    if (child.stdin) child.stdin.end(o.input ?? '');
    child.on('error', (e) => reject(new BerthError(`exec: cannot run ${runtime}: ${e.message}`)));
    child.on('close', (code, signal) => resolve({ exitCode: code !== null ? execExitCode(code, err) : 128 + (signal ? signalNumber(signal) : 0), stdout: out, stderr: err }));
  }).then((r) => {
    died(r.exitCode);
    return r;
  });
}

export interface TopResult { titles: string[]; processes: string[][] }

/** The container's processes (like `docker top`): from `runtime ps`, described from /proc. */
export async function top(c: Containers, ref: string): Promise<TopResult> {
  const rec = c.resolve(ref);
  const obs = observeStatus(c.pathsOf(rec.id), rec.id);
  if (obs.status !== 'running' && obs.status !== 'paused') throw new BerthError(`container ${rec.name} is not running`);
  const pids = await runtimePids(c.runtimeOf(rec), rec.runtimeRoot, rec.id);
  const rows: string[][] = [];
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
      const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || `[${/^Name:\s+(.*)$/m.exec(status)?.[1] ?? ''}]`;
      rows.push([uid, String(pid), ppid, cmd]);
    } catch { /* exited meanwhile */ }
  }
  return { titles: ['UID', 'PID', 'PPID', 'CMD'], processes: rows };
}

function runtimePids(runtime: string, root: string, id: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime, ['--root', root, 'ps', '--format', 'json', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new BerthError(`runtime ps ${id.slice(0, 12)}: ${err.trim() || `exit status ${code}`}`));
      try {
        const v = JSON.parse(out) as unknown;
        if (!Array.isArray(v)) throw new Error('not an array');
        resolve(v.map(Number).filter((n) => Number.isInteger(n)));
      } catch {
        reject(new BerthError(`runtime ps ${id.slice(0, 12)}: unexpected output ${JSON.stringify(out.slice(0, 200))}`));
      }
    });
  });
}

export interface ContainerStats {
  memory: { usage: number; limit: number | null; maxUsage?: number };
  cpu: { usageNs: number };
  pids: { current: number; limit: number | null };
}

function readNum(path: string): number | undefined {
  try {
    const t = readFileSync(path, 'utf8').trim();
    if (t === 'max') return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

// cgroup v1 reports "no limit" as a huge page-aligned number.
const unlimited = (n: number | undefined) => (n === undefined || n >= 2 ** 62 ? null : n);

/** Reads the container's cgroup counters (v2 unified or v1 hierarchies). */
export function stats(c: Containers, ref: string): ContainerStats {
  const rec = c.resolve(ref);
  const name = `berth-${rec.id}`;
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const d = join('/sys/fs/cgroup', name);
    if (!existsSync(d)) throw new BerthError(`container ${rec.name} is not running (no cgroup)`);
    const usec = /usage_usec (\d+)/.exec(readFileSync(join(d, 'cpu.stat'), 'utf8'))?.[1];
    return {
      memory: { usage: readNum(join(d, 'memory.current')) ?? 0, limit: unlimited(readNum(join(d, 'memory.max'))), maxUsage: readNum(join(d, 'memory.peak')) },
      cpu: { usageNs: Number(usec ?? 0) * 1000 },
      pids: { current: readNum(join(d, 'pids.current')) ?? 0, limit: unlimited(readNum(join(d, 'pids.max'))) },
    };
  }
  const mem = join('/sys/fs/cgroup/memory', name);
  if (!existsSync(mem)) throw new BerthError(`container ${rec.name} is not running (no cgroup)`);
  return {
    memory: { usage: readNum(join(mem, 'memory.usage_in_bytes')) ?? 0, limit: unlimited(readNum(join(mem, 'memory.limit_in_bytes'))), maxUsage: readNum(join(mem, 'memory.max_usage_in_bytes')) },
    cpu: { usageNs: readNum(join('/sys/fs/cgroup/cpuacct', name, 'cpuacct.usage')) ?? 0 },
    pids: { current: readNum(join('/sys/fs/cgroup/pids', name, 'pids.current')) ?? 0, limit: unlimited(readNum(join('/sys/fs/cgroup/pids', name, 'pids.max'))) },
  };
}
