// `volume ls|inspect|create|rm|prune`: Docker's output formats over the
// VolumeStore (written through `out`, stdout by default). Loaded lazily by
// src/cli/commands/volume.ts.
import { createInterface } from 'node:readline';
import { BerthError, UsageError } from '../errors.js';
import { lockResource } from '../state/lock.js';
import { volumesInUse } from '../volume/in-use.js';
import type { VolumeStore, ListFilter, VolumeInfo } from '../volume/store.js';
import { engineAt } from './engine.js';
import { filterBool, parseFilters } from './filters.js';

export type { VolumeInfo } from '../volume/store.js';

type Out = (s: string) => void;
const stdout: Out = (s) => { process.stdout.write(s); };

function store(root?: string): VolumeStore {
  return engineAt(root).volumes;
}

/** key=value pairs (--opt, --label); a bare key means an empty value. */
export function parsePairs(list: string[] = [], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (!key) throw new UsageError(`invalid ${what} "${item}": expected key=value`);
    out[key] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}

/** --filter label=..., name=..., driver=..., dangling=true|false. */
function volumeFilter(list: string[] | undefined): ListFilter {
  const f: ListFilter = {};
  for (const { key, value } of parseFilters(list, ['dangling', 'driver', 'label', 'name'])) {
    if (key === 'dangling') f.dangling = filterBool({ key, value });
    else (f[key as 'driver' | 'label' | 'name'] ??= []).push(value);
  }
  return f;
}

/** Docker's inspect object. */
export function inspectObject(v: VolumeInfo): Record<string, unknown> {
  return {
    CreatedAt: v.createdAt, Driver: v.driver, Labels: v.labels, Mountpoint: v.mountpoint,
    Name: v.name, Options: v.options, Scope: 'local',
  };
}

/** Docker's units.HumanSize (powers of 1000, 3 significant digits). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let n = bytes;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${Number(n.toPrecision(3))}${units[i]}`;
}

export interface LsOptions { root?: string; quiet?: boolean; format?: string; filter?: string[] }

/** The volumes `volume ls` lists (--filter applied). */
export function volumeList(root: string | undefined, filters?: string[]): VolumeInfo[] {
  const s = store(root);
  const filter = volumeFilter(filters);
  const inUse = filter.dangling === undefined ? new Map() : volumesInUse(s);
  return s.list(filter, inUse);
}

export function volumeLs(o: LsOptions, out: Out = stdout): void {
  const list = volumeList(o.root, o.filter);
  if (o.quiet) { for (const v of list) out(`${v.name}\n`); return; }
  if (o.format === 'json') {
    for (const v of list) {
      out(JSON.stringify({ Driver: v.driver, Labels: Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).join(','), Mountpoint: v.mountpoint, Name: v.name, Scope: 'local' }) + '\n');
    }
    return;
  }
  if (o.format && o.format !== 'table') throw new UsageError(`unsupported --format "${o.format}" (use table or json)`);
  const width = Math.max(6, ...list.map((v) => v.driver.length)) + 4;
  out(`${'DRIVER'.padEnd(width)}VOLUME NAME\n`);
  for (const v of list) out(`${v.driver.padEnd(width)}${v.name}\n`);
}

export interface CreateOptions { root?: string; driver?: string; opt?: string[]; label?: string[]; dryRun?: boolean }

export function volumeCreate(name: string | undefined, o: CreateOptions, out: Out = stdout): void {
  const driverOpts = parsePairs(o.opt, 'option');
  const labels = parsePairs(o.label, 'label');
  if (o.dryRun) { out(`would create volume ${name ?? '(anonymous)'}\n`); return; }
  const v = store(o.root).create(name, { driver: o.driver, driverOpts, labels, anonymous: name === undefined });
  out(`${v.name}\n`);
}

/**
 * The in-use set must not change between its computation and the removal:
 * rm and prune hold the root-wide `volumes` lock, which whoever attaches a
 * volume to a new container takes too.
 */
async function withVolumesLock<T>(s: VolumeStore, fn: () => Promise<T>): Promise<T> {
  const lock = await lockResource(s.paths, 'volumes', { timeoutMs: s.lockTimeoutMs });
  try { return await fn(); } finally { lock.release(); }
}

export async function volumeRm(names: string[], o: { root?: string; force?: boolean; dryRun?: boolean }, out: Out = stdout): Promise<void> {
  const s = store(o.root);
  await withVolumesLock(s, () => removeAll(s, names, o, out));
}

async function removeAll(s: VolumeStore, names: string[], o: { force?: boolean; dryRun?: boolean }, out: Out): Promise<void> {
  const inUse = volumesInUse(s);
  const failures: string[] = [];
  for (const n of names) {
    try {
      if (o.dryRun) {
        if (!s.get(n) && !o.force) throw new BerthError(`no such volume: ${n}`);
        out(`would remove volume ${n}\n`);
        continue;
      }
      await s.remove(n, inUse, { force: o.force });
      out(`${n}\n`);
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      failures.push(e.message);
    }
  }
  if (failures.length) throw new BerthError(failures.join('; '));
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((r) => rl.question(question, r));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function volumePrune(o: { root?: string; all?: boolean; force?: boolean; filter?: string[]; dryRun?: boolean }, out: Out = stdout): Promise<void> {
  const filter = volumeFilter(o.filter);
  if (!o.force && !o.dryRun) {
    const what = o.all ? 'all volumes not used by at least one container' : 'all anonymous volumes not used by at least one container';
    const ok = await confirm(`WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `);
    if (!ok) throw new BerthError('volume prune: not confirmed (use -f/--force to skip the prompt)');
  }
  const s = store(o.root);
  await withVolumesLock(s, async () => {
    const inUse = volumesInUse(s);
    if (o.dryRun) {
      for (const v of s.list(filter, inUse)) {
        if (!inUse.has(v.name) && (o.all || v.anonymous)) out(`would remove volume ${v.name}\n`);
      }
      return;
    }
    const { removed, reclaimed } = await s.prune(inUse, { all: o.all, filter });
    if (removed.length) out(`Deleted Volumes:\n${removed.map((n) => `${n}\n`).join('')}\n`);
    out(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
  });
}
