// Container lifecycle on top of the shim: create (bundle + overlay rootfs +
// records, rolled back on failure), start, stop, kill, pause, unpause,
// restart, remove (idempotent, repairs crashes), wait.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, isBerthError } from '../errors.js';
import { CorruptRecordError, isCorruptRecord, readJson, writeFileAtomicAsync, writeJsonAtomic, writeJsonAtomicAsync } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';
import { planEtcFiles } from './etc-files.js';
import { hostDevices } from './host-devices.js';
import { hostBoundingCaps } from './capabilities.js';
import { applyJoinPaths, ensureShm, joinPaths, joinsOthers, pinNamespaces, shmSource, type JoinPaths } from './namespaces.js';
import { defaultHostname, generateSpec } from './oci-spec.js';
import type { OciSpec } from './oci-types.js';
import { checkSocketPath, containerPaths, requireBinary, type Binaries, type ContainerPaths } from './paths.js';
import { listBrokenRecords, listRecords, nameOf, readRecord, releaseName, reserveName, type BrokenRecord, type ContainerRecord } from './record.js';
import { crashPoint } from '../state/crash.js';
import { isMounted, mountRootfs, unmountAll } from './rootfs.js';
import { shimAttach, spawnShim, shimRequest } from './shim-client.js';
import { runCaptured } from '../native/spawn.js';
import type { Socket } from 'node:net';
import { resolveShimOptions, shimArgs, type HostPortReservation } from './shim-options.js';
import { moveToTrash, sweepTrash } from './trash.js';
import { hidesCgroup2, resolveRuntime } from './runtimes.js';
import { isShimAlive, observeStatus, type ObservedStatus } from './status.js';
import type { ContainerSpecInput } from './types.js';
import { recordEvent } from '../events/journal.js';
import { signalNumber, signalSpelling } from '../signals.js';


// Facts about this host and process, read once per command (each create used to re-read them).
let nofile: { value: { soft: number; hard: number } | undefined } | undefined;
function nofileOf(pid: number | 'self'): { soft: number; hard: number } | undefined {
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    return m && m[1] !== 'unlimited' && m[2] !== 'unlimited' ? { soft: Number(m[1]), hard: Number(m[2]) } : undefined;
  } catch {
    return undefined;
  }
}
/**
 * RLIMIT_NOFILE berth was started with: the hard limit is this process's; the
 * soft one is the parent's (the shell's), because Node raises its own soft
 * limit to the hard one at startup, as Go does for dockerd and then restores
 * for the processes it starts.
 */
export function hostNofile(): { soft: number; hard: number } | undefined {
  if (!nofile) {
    const own = nofileOf('self');
    const parent = nofileOf(process.ppid);
    nofile = { value: own && { soft: Math.min(parent?.soft ?? own.soft, own.hard), hard: own.hard } };
  }
  return nofile.value;
}

let v2: boolean | undefined;
const cgroupV2 = (): boolean => (v2 ??= existsSync('/sys/fs/cgroup/cgroup.controllers'));

export class Containers {
  /**
   * hostPorts: the published host ports of a container (the network layer
   * knows them; the project service wires it), held by its shim while it runs.
   */
  constructor(readonly paths: StatePaths, readonly bin: Binaries, private readonly hooks: { hostPorts?: (id: string) => HostPortReservation[] } = {}) {}

  pathsOf(id: string): ContainerPaths {
    return containerPaths(this.paths, id);
  }

  /** The OCI runtime executable a container was created with (exec, top and delete use the same). */
  runtimeOf(rec: Pick<ContainerRecord, 'runtime'> | undefined): string {
    return rec?.runtime?.path ?? this.bin.runtime;
  }

  /** Finds a container by full id, name, or unique id prefix. */
  resolve(ref: string): ContainerRecord {
    // A full id names one record: read just that one (the orchestrator always
    // passes ids; listing every record per call is quadratic in a `down`).
    if (/^[a-f0-9]{64}$/.test(ref)) {
      const rec = readRecord(this.pathsOf(ref).record);
      if (rec && rec.id === ref) return rec;
    }
    const all = listRecords(this.paths);
    const exact = all.find((r) => r.id === ref) ?? all.find((r) => r.name === ref);
    if (exact) return exact;
    const byPrefix = ref.length >= 1 && /^[a-f0-9]+$/.test(ref) ? all.filter((r) => r.id.startsWith(ref)) : [];
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new BerthError(`container id prefix "${ref}" is ambiguous (${byPrefix.length} containers)`);
    const broken = this.findBroken(ref);
    if (broken) throw new CorruptRecordError(broken.path, 'not valid JSON or not a container record (`rm -f` removes the container)');
    throw new BerthError(`no such container: ${ref}`);
  }

  /** A container with an unreadable record, by full id, unique id prefix or reserved name. */
  findBroken(ref: string): BrokenRecord | undefined {
    const broken = listBrokenRecords(this.paths);
    const exact = broken.find((b) => b.id === ref || b.name === ref);
    if (exact) return exact;
    const byPrefix = /^[a-f0-9]+$/.test(ref) ? broken.filter((b) => b.id.startsWith(ref)) : [];
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  list(): { record: ContainerRecord; observed: ObservedStatus }[] {
    return listRecords(this.paths).map((record) => ({ record, observed: observeStatus(this.pathsOf(record.id), record.id) }));
  }

  async create(input: ContainerSpecInput): Promise<ContainerRecord> {
    if (!/^[a-f0-9]{64}$/.test(input.id)) throw new BerthError(`container id must be 64 lower-case hex characters: "${input.id}"`);
    const p = this.pathsOf(input.id);
    checkSocketPath(p.socket);
    const shim = resolveShimOptions(input);
    const runtime = resolveRuntime(input.runtime, this.bin);
    if (input.init) requireBinary(this.bin.init, 'berth-init');
    const undo: (() => Promise<void> | void)[] = [];
    try {
      reserveName(this.paths, input.name, input.id);
      undo.push(() => releaseName(this.paths, input.name, input.id));
      crashPoint('create-name-reserved');
      mkdirSync(this.paths.containers, { recursive: true, mode: 0o700 });
      try {
        mkdirSync(p.dir, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new BerthError(`container ${input.id.slice(0, 12)} already exists`);
        throw e;
      }
      undo.push(() => rmSync(p.dir, { recursive: true, force: true }));
      mkdirSync(p.runDir, { recursive: true, mode: 0o700 });
      undo.push(() => rmSync(p.runDir, { recursive: true, force: true }));
      undo.push(() => unmountAll(p.runDir));
      await mountRootfs({ base: input.rootfs.base, lower: input.rootfs.lower, upper: p.upper, work: p.work, target: p.rootfs });

      const hostname = defaultHostname(input);
      const etc = planEtcFiles(p.etc, input, hostname);
      // A container joined now is joined again at each start (its pid may change).
      let joined: JoinPaths | undefined;
      try { joined = joinPaths(this.paths, input); } catch { joined = undefined; }
      const spec = generateSpec(input, {
        rootfs: p.rootfs, etcFiles: etc.paths, joined, shmSource: shmSource(this.paths, input), initPath: input.init ? this.bin.init : undefined,
        cgroupV2: cgroupV2(), hostNofile: hostNofile(), hostDevices: input.privileged ? hostDevices() : undefined, hostCaps: hostBoundingCaps(),
      });
      // Off the JS thread and side by side: the containers of one `up` overlap their fsyncs.
      await allSettledOrThrow([
        // /etc files unsynced, as Docker writes them: derived from the records.
        ...etc.writes.map(([path, text]) => writeFileAtomicAsync(path, text, { durable: false })),
        writeJsonAtomicAsync(p.ociConfig, spec),
        shim.health ? writeJsonAtomicAsync(p.health, shim.health) : undefined,
      ]);

      const u = spec.process.user;
      const rec: ContainerRecord = {
        version: 1, id: input.id, name: input.name, created: new Date().toISOString(),
        image: { ref: input.image.ref, ...(input.image.id ? { id: input.image.id } : {}) },
        labels: { ...(input.image.config.Labels ?? {}), ...(input.labels ?? {}) },
        bundle: p.bundle, rootfs: p.rootfs, layers: { base: input.rootfs.base, lower: [...input.rootfs.lower] },
        upper: p.upper, work: p.work, logPath: p.log, socket: p.socket, runtimeRoot: p.runtimeRoot, runtime,
        process: { args: spec.process.args, env: spec.process.env, cwd: spec.process.cwd, user: `${u.uid}:${u.gid}` },
        shim, input,
      };
      // Last: a record means a complete container (the orchestrator's crash repair relies on it).
      await writeJsonAtomicAsync(p.record, rec);
      this.event(rec, 'create');
      return rec;
    } catch (e) {
      for (const step of undo.reverse()) {
        try { await step(); } catch { /* keep undoing: report the original error */ }
      }
      throw e;
    }
  }

  /** Appends a container event to the journal: its labels, image and name, as docker's events carry them. */
  event(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    recordEvent(this.paths, { type: 'container', action, id: rec.id, attributes: { ...rec.labels, image: rec.image.ref, name: rec.name, ...extra } });
  }

  /**
   * Journals docker's exec_create and exec_start (the command in the action,
   * the three tied by execID); the returned function journals exec_die.
   */
  execStarted(rec: ContainerRecord, argv: string[]): (exitCode: number) => void {
    // docker's shape (64 hex digits). It only ties three journal entries together: not worth loading node:crypto (~8 ms) on every exec.
    const execID = Array.from({ length: 64 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
    const cmd = argv.join(' ');
    this.event(rec, `exec_create: ${cmd}`, { execID });
    this.event(rec, `exec_start: ${cmd}`, { execID });
    return (exitCode) => this.event(rec, 'exec_die', { execID, exitCode: String(exitCode) });
  }

  /** Starts a created or exited container; a running one is left alone. Returns the container's pid. */
  async start(ref: string): Promise<number> {
    const rec = this.resolve(ref);
    const p = this.pathsOf(rec.id);
    // Two concurrent starts must not spawn two shims for one container.
    return withPidLock(join(p.dir, 'start.lock'), 30_000, () => this.startLocked(rec, p));
  }

  private async startLocked(rec: ContainerRecord, p: ContainerPaths): Promise<number> {
    const spawned = await this.spawnLocked(rec, p);
    if (spawned.started) this.event(rec, 'start');
    return spawned.pid;
  }

  private async spawnLocked(rec: ContainerRecord, p: ContainerPaths): Promise<{ pid: number; started: boolean }> {
    // A live shim either runs the container (return its pid) or is finishing
    // after an exit (wait until it is gone before starting a new one).
    for (const end = Date.now() + 10_000; ;) {
      const obs = observeStatus(p, rec.id);
      if (!obs.shimAlive) break;
      if (obs.state && obs.state.status !== 'exited') return { pid: obs.state.pid, started: false };
      if (Date.now() > end) throw new BerthError(`berth-shim of container ${rec.name} (pid ${obs.shimPid}) is not finishing; remove the container with force`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const shim = requireBinary(this.bin.shim, 'berth-shim');
    const runtime = requireBinary(this.runtimeOf(rec), 'OCI runtime');
    if (!isMounted(p.rootfs)) await mountRootfs({ ...rec.layers, upper: p.upper, work: p.work, target: p.rootfs });
    await ensureShm(this.paths, rec.input);
    if (joinsOthers(rec.input)) {
      const spec = readJson<OciSpec>(p.ociConfig);
      if (!spec) throw new BerthError(`container ${rec.name}: its bundle has no config.json`);
      applyJoinPaths(spec, await pinNamespaces(p.runDir, joinPaths(this.paths, rec.input)));
      writeJsonAtomic(p.ociConfig, spec);
    }
    await this.deleteRuntimeState(rec.id, rec);
    mkdirSync(join(this.paths.runtime, 's'), { recursive: true, mode: 0o700 });
    rmSync(p.socket, { force: true });
    mkdirSync(p.runtimeRoot, { recursive: true, mode: 0o700 });
    try {
      return { pid: await spawnShim(shim, shimArgs(rec.id, p, rec.shim, runtime, this.hooks.hostPorts?.(rec.id), hidesCgroup2(rec.runtime))), started: true };
    } catch (e) {
      // Docker's words for a published port another process holds.
      if (isBerthError(e) && /^listen (tcp|udp)[46] .*: bind: /.test(e.message)) {
        throw new BerthError(`driver failed programming external connectivity on endpoint ${rec.name}: ${e.message}`);
      }
      throw e;
    }
  }

  /** Stops with the stop signal (or `signal`), then SIGKILL after the grace period. Returns the exit code, if it ran. */
  async stop(ref: string, opts: { timeout?: number; signal?: string } = {}): Promise<number | undefined> {
    let rec: ContainerRecord;
    try {
      rec = this.resolve(ref);
    } catch (e) {
      if (!isCorruptRecord(e) || !/^[a-f0-9]{64}$/.test(ref)) throw e;
      return this.stopUnreadable(ref);
    }
    const p = this.pathsOf(rec.id);
    const obs = observeStatus(p, rec.id);
    if (!obs.shimAlive) {
      if (obs.status === 'dead') await this.deleteRuntimeState(rec.id, rec); // the shim crashed: kill what it left
      return obs.state?.exitCode;
    }
    // A frozen process cannot act on a signal: thaw first (Docker does the same).
    if (obs.status === 'paused') await this.request(rec, { op: 'resume' }).catch(() => undefined);
    const timeout = opts.timeout ?? rec.shim.stopTimeout;
    const signal = opts.signal ?? rec.shim.stopSignal;
    // docker's order: kill (the stop signal), then die (seen by `events` from the shim's state), then stop.
    this.event(rec, 'kill', { signal: signalName(signal) });
    const res = await this.request(rec, { op: 'stop', signal, timeout: Math.ceil(timeout) }, (timeout + 30) * 1000);
    await this.waitShimGone(obs.shimPid!, rec.id, 10_000);
    this.event(rec, 'stop');
    return typeof res.exitCode === 'number' ? res.exitCode : undefined;
  }

  /** A container whose record cannot be read has no stop signal or grace period on record: it is killed. */
  private async stopUnreadable(id: string): Promise<number | undefined> {
    const p = this.pathsOf(id);
    const obs = observeStatus(p, id);
    if (!obs.shimAlive) {
      if (obs.status === 'dead') await this.deleteRuntimeState(id);
      return obs.state?.exitCode;
    }
    const res = await shimRequest(p.socket, { op: 'stop', signal: 'SIGKILL', timeout: 0 }, 30_000).catch(() => undefined);
    await this.waitShimGone(obs.shimPid!, id, 10_000);
    return typeof res?.exitCode === 'number' ? res.exitCode : undefined;
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const rec = this.resolveRunning(ref);
    await this.request(rec, { op: 'kill', signal });
    this.event(rec, 'kill', { signal: signalName(signal) });
  }

  async pause(ref: string): Promise<void> {
    const rec = this.resolveRunning(ref);
    await this.request(rec, { op: 'pause' });
    this.event(rec, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.resolveRunning(ref);
    await this.request(rec, { op: 'resume' });
    this.event(rec, 'unpause');
  }

  /** Attaches to a running container's stdio (see shimAttach). */
  async attach(ref: string): Promise<Socket> {
    const rec = this.resolveRunning(ref);
    try {
      return await shimAttach(rec.socket);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new BerthError(`container ${rec.name} is not running`);
      throw e;
    }
  }

  /** The json-file log of a container (rotated files are <path>.1, .2, ...). */
  logPath(ref: string): string {
    return this.resolve(ref).logPath;
  }

  /** Resizes the terminal of a container created with tty. */
  async resize(ref: string, rows: number, cols: number): Promise<void> {
    await this.request(this.resolveRunning(ref), { op: 'resize', rows, cols });
  }

  async restart(ref: string, opts: { timeout?: number } = {}): Promise<number> {
    await this.stop(ref, opts);
    const pid = await this.start(ref);
    this.event(this.resolve(ref), 'restart');
    return pid;
  }

  /** Waits until the container is not running any more; returns its exit code. */
  async wait(ref: string, opts: { timeoutMs?: number } = {}): Promise<{ exitCode: number; oomKilled: boolean; status: string }> {
    const rec = this.resolve(ref);
    const p = this.pathsOf(rec.id);
    const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
    for (;;) {
      const obs = observeStatus(p, rec.id);
      // Done once the shim is gone (it lingers briefly after the exit to delete the runtime state).
      if ((obs.status === 'exited' || obs.status === 'dead') && !obs.shimAlive) {
        return { exitCode: obs.state?.exitCode ?? -1, oomKilled: !!obs.state?.oomKilled, status: obs.status };
      }
      if (Date.now() > deadline) throw new BerthError(`timed out waiting for container ${rec.name} to exit`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Removes a container: refuses a running one unless `force`; otherwise idempotent, and repairs what a crash left. */
  async remove(ref: string, opts: { force?: boolean } = {}): Promise<void> {
    let rec: ContainerRecord | undefined;
    let id: string;
    // An unreadable record does not stop the removal (as Docker removes a
    // container whose config it cannot load): what the record would have
    // said is found from the id (cgroups, mounts, runtime state, the name).
    if (/^[a-f0-9]{64}$/.test(ref)) {
      id = ref;
      try { rec = readRecord(this.pathsOf(id).record); } catch (e) { if (!isCorruptRecord(e)) throw e; }
    } else {
      const broken = this.findBroken(ref);
      if (broken && opts.force) id = broken.id;
      else {
        rec = this.resolve(ref);
        id = rec.id;
      }
    }
    const p = this.pathsOf(id);
    const obs = observeStatus(p, id);
    if (obs.shimAlive && obs.state?.status !== 'exited') {
      if (!opts.force) throw new BerthError(`cannot remove container ${rec?.name ?? id.slice(0, 12)}: it is ${obs.status}; stop it first or force the removal`);
      if (rec) await this.stop(id, { signal: 'SIGKILL', timeout: 0 }).catch(() => undefined);
    }
    const after = observeStatus(p, id);
    if (after.shimAlive && after.shimPid) {
      try { process.kill(after.shimPid, 'SIGKILL'); } catch { /* already gone */ }
      await this.waitShimGone(after.shimPid, id, 5000);
    }
    const errors: string[] = [];
    const step = async (what: string, f: () => Promise<unknown> | unknown) => {
      try { await f(); } catch (e) { errors.push(`${what}: ${(e as Error).message}`); }
    };
    await step('runtime delete', () => this.deleteRuntimeState(id, rec));
    await step('cgroups', () => removeCgroups(id));
    await step('unmount', () => unmountAll(p.runDir));
    await step('socket', () => rmSync(p.socket, { force: true }));
    await step('runtime dir', () => rmSync(p.runDir, { recursive: true, force: true }));
    // The record goes and the name is freed in one synchronous stretch (a
    // crash cannot fall between them); the files are deleted afterwards, off
    // the JS thread, from the trash (see moveToTrash).
    let trashed: string | undefined;
    await step('records', () => {
      trashed = moveToTrash(this.paths.containers, p.dir, id);
      const name = rec?.name ?? nameOf(this.paths, id).name;
      if (name) releaseName(this.paths, name, id);
    });
    if (rec && trashed) this.event(rec, 'destroy');
    if (trashed) await step('records', () => rm(trashed!, { recursive: true, force: true }));
    await step('trash', () => sweepTrash(this.paths.containers));
    if (errors.length) throw new BerthError(`removing container ${id.slice(0, 12)}: ${errors.join('; ')}`);
  }

  /**
   * Repairs what a crash in the middle of create or remove left: container
   * dirs without a record, and runtime dirs (mounts) without a container dir.
   * Returns the ids it cleaned.
   */
  async gc(): Promise<string[]> {
    const hex = /^[a-f0-9]{64}$/;
    const ls = (d: string) => { try { return readdirSync(d); } catch { return []; } };
    const orphans = new Set<string>();
    for (const id of ls(this.paths.containers)) if (hex.test(id) && !existsSync(this.pathsOf(id).record)) orphans.add(id);
    for (const id of ls(join(this.paths.runtime, 'c'))) if (hex.test(id) && !existsSync(this.pathsOf(id).record)) orphans.add(id);
    for (const id of orphans) await this.remove(id, { force: true });
    return [...orphans];
  }

  private resolveRunning(ref: string): ContainerRecord {
    const rec = this.resolve(ref);
    const obs = observeStatus(this.pathsOf(rec.id), rec.id);
    if (!obs.shimAlive || obs.state?.status === 'exited') throw new BerthError(`container ${rec.name} is not running`);
    return rec;
  }

  private async request(rec: ContainerRecord, req: Record<string, unknown>, timeoutMs?: number) {
    let res;
    try {
      res = await shimRequest(rec.socket, req, timeoutMs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED') throw new BerthError(`container ${rec.name} is not running`);
      throw e;
    }
    if (!res.ok) throw new BerthError(`${String(req.op)} ${rec.name}: ${res.error ?? 'failed'}`);
    return res;
  }

  private async waitShimGone(pid: number, id: string, ms: number): Promise<void> {
    // The shim exits right after its stop reply: look again soon, then back off.
    const end = Date.now() + ms;
    for (let delay = 2; isShimAlive(pid, id) && Date.now() < end; delay = Math.min(delay * 2, 20)) {
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** The record when it can be read (an unreadable one leaves the default runtime to clean up). */
  private readableRecord(id: string): ContainerRecord | undefined {
    try { return readRecord(this.pathsOf(id).record); } catch (e) { if (isCorruptRecord(e)) return undefined; throw e; }
  }

  /** `runtime delete --force`: kills and forgets a container the runtime still knows (after a shim crash). */
  private async deleteRuntimeState(id: string, rec?: ContainerRecord): Promise<void> {
    const root = this.pathsOf(id).runtimeRoot;
    if (!existsSync(join(root, id))) return;
    const r = await runCaptured(this.runtimeOf(rec ?? this.readableRecord(id)), ['--root', root, 'delete', '--force', id]).catch((e: Error) => {
      throw new BerthError(`runtime delete ${id.slice(0, 12)}: ${e.message}`);
    });
    const msg = (r.stderr || r.stdout).trim();
    if (r.status !== 0 && !/not exist|no such|not found/i.test(msg)) throw new BerthError(`runtime delete ${id.slice(0, 12)}: ${msg || `exit ${r.status}`}`);
  }
}

/** Waits for every step (none left running behind a failure), then throws the first error. */
async function allSettledOrThrow(steps: Array<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Removes the container's (empty) cgroups left by a runtime that died before deleting them. */
function removeCgroups(id: string): void {
  const name = `berth-${id}`;
  const roots = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'systemd', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'unified', 'rdma', 'misc'].map((c) => `/sys/fs/cgroup/${c}`);
  for (const r of roots) {
    try {
      rmdirSync(join(r, name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
  }
}

/**
 * Runs `f` holding an exclusive lock file that names its holder's pid; a
 * lock whose holder died is taken over.
 */
async function withPidLock<T>(path: string, waitMs: number, f: () => Promise<T>): Promise<T> {
  const end = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(path, 'utf8').trim() || '0');
      let alive = holder > 0;
      if (alive) try { process.kill(holder, 0); } catch { alive = false; }
      if (!alive) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > end) throw new BerthError(`container is busy: another berth process (pid ${holder}) is starting it`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await f();
  } finally {
    rmSync(path, { force: true });
  }
}

/** "SIGTERM", "TERM" or "15" → the number docker's kill event carries ("15"). */
function signalName(signal: string): string {
  const spelled = signalSpelling(signal);
  const n = /^\d+$/.test(spelled) ? Number(spelled) : signalNumber(spelled);
  return n ? String(n) : signal;
}
