// The container record: berth's own JSON (written atomically) describing a
// created container, beside the shim's state.json. Names are reserved with
// an exclusive file so that two concurrent creates cannot share one.
import { compareText } from '../text-order.js';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { readJson, writeFileAtomic, writeJsonAtomic } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';
import type { ContainerSpecInput } from './types.js';
import { LABELS } from '../compose-labels.js';

/** The health file handed to the shim (--health), in the shim contract's shape. */
export interface ShimHealth {
  test: string[];
  interval_ns: number;
  timeout_ns: number;
  retries: number;
  start_period_ns: number;
  start_interval_ns: number;
}

export interface ShimOptions {
  restart: string;
  stopSignal: string;
  /** Grace period before SIGKILL, in seconds (may be fractional). */
  stopTimeout: number;
  health: ShimHealth | null;
  tty: boolean;
  stdin: boolean;
  logMaxSize?: number;
  logMaxFile?: number;
}

export interface ContainerRecord {
  version: 1;
  id: string;
  name: string;
  created: string;
  image: { ref: string; id?: string };
  labels: Record<string, string>;
  bundle: string;
  rootfs: string;
  layers: { base: string; lower: string[] };
  upper: string;
  work: string;
  logPath: string;
  socket: string;
  runtimeRoot: string;
  /** Pid-1 command line, env, cwd and user as they went into config.json (for inspect). */
  process: { args: string[]; env: string[]; cwd: string; user: string };
  shim: ShimOptions;
  /** The input this container was created from (the orchestrator hashes it). */
  input: ContainerSpecInput;
}

export function writeRecord(path: string, rec: ContainerRecord): void {
  writeJsonAtomic(path, rec);
}

export function readRecord(path: string): ContainerRecord | undefined {
  return readJson<ContainerRecord>(path);
}

/** All records under <root>/containers (directories without a record are ignored). */
export function listRecords(sp: StatePaths): ContainerRecord[] {
  let entries: string[];
  try {
    entries = readdirSync(sp.containers);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: ContainerRecord[] = [];
  for (const id of entries) {
    if (!/^[a-f0-9]{12,64}$/.test(id)) continue;
    const r = readRecord(join(sp.containers, id, 'config.json'));
    if (r) out.push(r);
  }
  return out.sort((a, b) => compareText(a.created, b.created));
}

function namesDir(sp: StatePaths): string {
  return join(sp.containers, '.names');
}

export function validName(name: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/.test(name);
}

/** Reserves `name` for `id`; throws Docker's conflict error when another container holds it. */
const STALE_RESERVATION_MS = 60_000;

export function reserveName(sp: StatePaths, name: string, id: string): void {
  if (!validName(name)) throw new BerthError(`invalid container name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const dir = namesDir(sp);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = readFileSync(path, 'utf8').trim();
    if (holder === id) return;
    // A holder without a record, reserved long ago, is what a crash in
    // create or remove leaves: take the name over. (A young reservation
    // may be a create in progress.)
    const stale = !existsSync(join(sp.containers, holder, 'config.json')) && Date.now() - statSync(path).mtimeMs > STALE_RESERVATION_MS;
    if (stale) {
      writeFileAtomic(path, id);
      return;
    }
    throw new BerthError(`the container name "${name}" is already in use by container ${holder.slice(0, 12)}: remove it or choose another name`);
  }
  try { writeSync(fd, id); } finally { closeSync(fd); }
}

export function releaseName(sp: StatePaths, name: string, id: string): void {
  const path = join(namesDir(sp), name);
  try {
    if (readFileSync(path, 'utf8').trim() !== id) return;
  } catch {
    return;
  }
  rmSync(path, { force: true });
}

/** The labels Compose puts on a service's container. */
export function composeLabels(o: { project: string; service: string; number: number; configHash: string; workingDir?: string; configFiles?: string[]; oneoff?: boolean }): Record<string, string> {
  const l: Record<string, string> = {
    [LABELS.project]: o.project,
    [LABELS.service]: o.service,
    [LABELS.number]: String(o.number),
    [LABELS.configHash]: o.configHash,
    [LABELS.oneoff]: o.oneoff ? 'True' : 'False',
  };
  if (o.workingDir) l[LABELS.workingDir] = o.workingDir;
  if (o.configFiles) l[LABELS.configFiles] = o.configFiles.join(',');
  return l;
}
