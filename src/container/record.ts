// The container record: berth's own JSON (written atomically) describing a
// created container, beside the shim's state.json. Names are reserved with
// an exclusive file so that two concurrent creates cannot share one.
import { compareText } from '../text-order.js';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { isCorruptRecord, isStringMap, readJson, writeFileAtomic, writeJsonAtomic } from '../state/atomic.js';
import { noteProblem } from '../state/notices.js';
import type { StatePaths } from '../state/paths.js';
import type { RuntimeChoice } from './runtimes.js';
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
  /** The OCI runtime this container was created with (absent in older records: the default runtime). */
  runtime?: RuntimeChoice;
  /** Pid-1 command line, env, cwd and user as they went into config.json (for inspect). */
  process: { args: string[]; env: string[]; cwd: string; user: string };
  shim: ShimOptions;
  /** The input this container was created from (the orchestrator hashes it). */
  input: ContainerSpecInput;
}

/**
 * The ports the container exposes, "80/tcp", as docker lists them: the
 * image's ExposedPorts and the service's `expose`, once each, by port number.
 */
export function exposedPorts(rec: Pick<ContainerRecord, 'input'>): string[] {
  const image = Object.keys(rec.input.image.config.ExposedPorts ?? {}).map((p) => (p.includes('/') ? p : `${p}/tcp`));
  const all = [...new Set([...image, ...(rec.input.expose ?? [])])];
  const num = (p: string) => Number(p.split('/')[0]);
  return all.sort((a, b) => num(a) - num(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function writeRecord(path: string, rec: ContainerRecord): void {
  writeJsonAtomic(path, rec);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape every listing of records relies on (a garbled file may still be JSON). */
function validRecord(v: unknown): boolean {
  if (!isObj(v)) return false;
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.created === 'string' && isStringMap(v.labels);
}

/** The record; undefined when there is none; a CorruptRecordError (one line naming the file) when it cannot be read. */
export function readRecord(path: string): ContainerRecord | undefined {
  return readJson<ContainerRecord>(path, validRecord);
}

/**
 * The labels that say which project, service and replica a container is:
 * they are also written into the OCI config's annotations, so that a
 * container whose record is unreadable can still be found by `down`.
 */
const IDENTITY = [LABELS.project, LABELS.service, LABELS.number, LABELS.oneoff];

export function identityLabels(labels: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(IDENTITY.filter((k) => labels?.[k] !== undefined).map((k) => [k, labels![k]!]));
}

/** A container directory whose record cannot be read: its id, the file, and what is still known of it. */
export interface BrokenRecord {
  id: string;
  path: string;
  /** Reserved name, if one points at this id. */
  name?: string;
  /** Identity labels from the OCI config (when that one is readable). */
  labels: Record<string, string>;
}

function scan(sp: StatePaths): { records: ContainerRecord[]; broken: BrokenRecord[] } {
  let entries: string[];
  try {
    entries = readdirSync(sp.containers);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], broken: [] };
    throw e;
  }
  const records: ContainerRecord[] = [];
  const broken: BrokenRecord[] = [];
  for (const id of entries) {
    if (!/^[a-f0-9]{12,64}$/.test(id)) continue;
    const path = join(sp.containers, id, 'config.json');
    try {
      const r = readRecord(path);
      if (r) records.push(r);
    } catch (e) {
      if (!isCorruptRecord(e)) throw e;
      noteProblem(path, `warning: ${e.message} (container ${id.slice(0, 12)} is skipped; \`berth rm -f ${id.slice(0, 12)}\` or \`down\` removes it)`);
      broken.push({ id, path, labels: brokenLabels(join(sp.containers, id, 'bundle', 'config.json')), ...nameOf(sp, id) });
    }
  }
  return { records: records.sort((a, b) => compareText(a.created, b.created)), broken };
}

function brokenLabels(ociConfig: string): Record<string, string> {
  try {
    const spec = readJson<{ annotations?: unknown }>(ociConfig);
    return isStringMap(spec?.annotations) ? identityLabels(spec.annotations) : {};
  } catch {
    return {};
  }
}

export function nameOf(sp: StatePaths, id: string): { name?: string } {
  let names: string[] = [];
  try { names = readdirSync(namesDir(sp)); } catch { return {}; }
  for (const n of names) {
    try { if (readFileSync(join(namesDir(sp), n), 'utf8').trim() === id) return { name: n }; } catch { /* raced */ }
  }
  return {};
}

/** All readable records under <root>/containers (directories without a record, or with an unreadable one, are skipped). */
export function listRecords(sp: StatePaths): ContainerRecord[] {
  return scan(sp).records;
}

/** The containers whose record cannot be read (each is also noted for the end of the command). */
export function listBrokenRecords(sp: StatePaths): BrokenRecord[] {
  return scan(sp).broken;
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
