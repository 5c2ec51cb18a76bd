// Named volumes: <root>/volumes/<name>/{volume.json,_data/}. Containers
// register as users (<name>/users/<container id>), so that rm and prune leave
// volumes in use alone; the in-use set is computed by the caller (see
// in-use.ts) and passed in, which keeps these operations testable.
import { compareText } from '../text-order.js';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomHex } from '../hashing.js';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { isCorruptRecord, readJson, writeJsonAtomic } from '../state/atomic.js';
import { noteProblem } from '../state/notices.js';
import type { StatePaths } from '../state/paths.js';
import { recordEvent } from '../events/journal.js';
import { lockResource } from '../state/lock.js';
import { copyImageContent, isEmptyDir } from './copy-up.js';
import { mountPoints, mountVolume, unmountVolume } from './host-mount.js';
import { backingOf, checkVolumeName, type VolumeRecord } from './record.js';

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export interface CreateVolumeOptions {
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
  anonymous?: boolean;
}

export interface VolumeInfo extends VolumeRecord {
  /** Where the data lives on the host (the device for a bind volume). */
  mountpoint: string;
}

export interface ListFilter {
  /** label=key or label=key=value (all must match). */
  label?: string[];
  /** name=substring (any may match). */
  name?: string[];
  driver?: string[];
  /** dangling=true: not in use; false: in use. */
  dangling?: boolean;
}

/** Volume name → names (or ids) of the containers using it. */
export type InUse = Map<string, string[]>;

export class VolumeStore {
  /** How long a lock on volumes is waited for (BERTH_LOCK_TIMEOUT): copy-up here, rm and prune in the project service. */
  readonly lockTimeoutMs: number;
  constructor(readonly paths: StatePaths, opts: { lockTimeoutMs: number }) {
    this.lockTimeoutMs = opts.lockTimeoutMs;
  }

  dir(name: string): string {
    checkVolumeName(name);
    return join(this.paths.volumes, name);
  }
  private recordPath(name: string): string { return join(this.dir(name), 'volume.json'); }
  dataDir(name: string): string { return join(this.dir(name), '_data'); }

  get(name: string): VolumeInfo | undefined {
    const r = readJson<VolumeRecord>(this.recordPath(name));
    return r && { ...r, mountpoint: this.mountpointOf(r) };
  }

  inspect(name: string): VolumeInfo {
    const v = this.get(name);
    if (!v) throw new BerthError(`no such volume: ${name}`);
    return v;
  }

  private mountpointOf(r: VolumeRecord): string {
    const b = backingOf(r.name, r.options);
    return b.kind === 'bind' ? b.device : this.dataDir(r.name);
  }

  /**
   * Creates the volume, or returns the existing one when its driver and
   * options are the same (as Docker does); different options are an error.
   */
  create(name: string | undefined, opts: CreateVolumeOptions = {}): VolumeInfo {
    const anonymous = opts.anonymous ?? name === undefined;
    const volName = name ?? randomHex(32);
    checkVolumeName(volName);
    const driver = opts.driver ?? 'local';
    if (driver !== 'local') throw new BerthError(`volume ${volName}: driver "${driver}" is not supported (only "local")`);
    const options = opts.driverOpts ?? {};
    backingOf(volName, options); // validate before anything is written
    const existing = this.get(volName);
    if (existing) {
      const same = JSON.stringify(sorted(existing.options)) === JSON.stringify(sorted(options));
      if (!same) throw new BerthError(`volume ${volName} already exists with different driver options; remove it first (berth volume rm ${volName})`);
      return existing;
    }
    const labels = { ...(opts.labels ?? {}) };
    if (anonymous) labels[ANONYMOUS_LABEL] = '';
    mkdirSync(this.dataDir(volName), { recursive: true, mode: 0o755 });
    const record: VolumeRecord = { name: volName, driver: 'local', labels, options, anonymous, createdAt: new Date().toISOString() };
    writeJsonAtomic(this.recordPath(volName), record); // last: a volume exists once its record does
    recordEvent(this.paths, { type: 'volume', action: 'create', id: volName, attributes: { ...labels, driver: 'local' } });
    return { ...record, mountpoint: this.mountpointOf(record) };
  }

  /** Every volume with a record, sorted by name (half-created directories are skipped). */
  list(filter: ListFilter = {}, inUse: InUse = new Map()): VolumeInfo[] {
    let names: string[] = [];
    try { names = readdirSync(this.paths.volumes).sort(); } catch { return []; }
    const out: VolumeInfo[] = [];
    for (const n of names) {
      let v: VolumeInfo | undefined;
      try {
        v = this.get(n);
      } catch (e) {
        if (isCorruptRecord(e)) noteProblem(e.path, `warning: ${e.message} (volume ${n} is skipped; \`volume rm ${n}\` removes it)`);
        continue; // otherwise not a volume name: not ours
      }
      if (v && matches(v, filter, inUse)) out.push(v);
    }
    return out;
  }

  /**
   * The host path a container mounts for this volume: prepares it first (a
   * bind volume's device must exist; a mount-type volume is mounted).
   */
  async prepare(name: string): Promise<string> {
    const v = this.inspect(name);
    const b = backingOf(v.name, v.options);
    if (b.kind === 'bind') {
      if (!existsSync(b.device) || !statSync(b.device).isDirectory()) {
        throw new BerthError(`volume ${name}: failed to mount local volume: bind device ${b.device} does not exist or is not a directory`);
      }
      return b.device;
    }
    if (b.kind === 'mount') await mountVolume(name, b.type, b.device, b.options, this.dataDir(name));
    return this.dataDir(name);
  }

  /**
   * Docker's copy-up for a container about to mount the volume at `target`:
   * the image content there (under `rootfs`) is copied in when the volume
   * was never populated and is empty; then it is recorded as populated.
   * Returns the number of entries copied.
   */
  async copyUp(name: string, rootfs: string, target: string): Promise<number> {
    // One copy at a time: two replicas created together must not both copy.
    const lock = await lockResource(this.paths, 'volume-copy-up', { timeoutMs: this.lockTimeoutMs });
    try {
      const v = this.inspect(name);
      if (v.populatedAt) return 0;
      const data = v.mountpoint;
      let copied = 0;
      if (isEmptyDir(data)) {
        try {
          copied = copyImageContent(rootfs, target, data).entries;
        } catch (e) {
          // It was empty: leave it so (a half copy would count as populated next time).
          for (const n of readdirSync(data)) rmSync(join(data, n), { recursive: true, force: true });
          throw new BerthError(`volume ${name}: copying the image content at ${target} into it: ${(e as Error).message}`);
        }
      }
      if (copied > 0 || !isEmptyDir(data)) {
        const { mountpoint: _m, ...record } = v;
        writeJsonAtomic(this.recordPath(name), { ...record, populatedAt: new Date().toISOString() });
      }
      return copied;
    } finally {
      lock.release();
    }
  }

  /** Records that a container uses the volume. */
  attach(name: string, containerId: string): void {
    this.inspect(name);
    checkVolumeName(containerId);
    const dir = join(this.dir(name), 'users');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, containerId), '');
  }

  detach(name: string, containerId: string): void {
    checkVolumeName(containerId);
    rmSync(join(this.dir(name), 'users', containerId), { force: true });
  }

  /** Container ids registered as users (possibly stale: see in-use.ts). */
  users(name: string): string[] {
    try { return readdirSync(join(this.dir(name), 'users')).sort(); } catch { return []; }
  }

  /** Removes a volume that no container uses; its data goes with it (never a bind volume's device). */
  async remove(name: string, inUse: InUse, opts: { force?: boolean } = {}): Promise<void> {
    let v: VolumeInfo | undefined;
    let unreadable = false;
    try {
      v = this.get(name);
    } catch (e) {
      // An unreadable record: the volume can still go (its own directory;
      // a mount still in place is refused below, a bind device is never under it).
      if (!isCorruptRecord(e)) throw e;
      unreadable = true;
    }
    if (!v && !unreadable) {
      if (opts.force) return;
      throw new BerthError(`no such volume: ${name}`);
    }
    const users = inUse.get(name) ?? [];
    if (users.length > 0) throw new BerthError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    if (v && backingOf(v.name, v.options).kind === 'mount') await unmountVolume(name, this.dataDir(name));
    const dir = this.dir(name);
    const busy = [...mountPoints()].filter((m) => m === dir || m.startsWith(`${dir}/`));
    if (busy.length > 0) throw new BerthError(`remove ${name}: ${busy[0]} is still mounted; unmount it first`);
    // Remove the record first: a crash after it leaves only a directory that list() ignores and the next create reuses.
    rmSync(this.recordPath(name), { force: true });
    rmSync(this.dir(name), { recursive: true, force: true }); // rm never follows symlinks out of _data
    recordEvent(this.paths, { type: 'volume', action: 'destroy', id: name, attributes: { ...(v?.labels ?? {}), driver: 'local' } });
  }

  /** Removes unused volumes (anonymous ones only unless `all`); returns what went and the bytes freed. */
  async prune(inUse: InUse, opts: { all?: boolean; filter?: ListFilter } = {}): Promise<{ removed: string[]; reclaimed: number }> {
    const removed: string[] = [];
    let reclaimed = 0;
    for (const v of this.list(opts.filter ?? {}, inUse)) {
      if ((inUse.get(v.name) ?? []).length > 0) continue;
      if (!opts.all && !v.anonymous) continue;
      const b = backingOf(v.name, v.options);
      if (b.kind === 'directory') reclaimed += diskUsage(this.dataDir(v.name));
      await this.remove(v.name, inUse);
      removed.push(v.name);
    }
    return { removed, reclaimed };
  }
}

function sorted(o: Record<string, string>): Array<[string, string]> {
  return Object.entries(o).sort(([a], [b]) => compareText(a, b));
}

function matches(v: VolumeInfo, f: ListFilter, inUse: InUse): boolean {
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    const key = eq < 0 ? l : l.slice(0, eq);
    if (!(key in v.labels)) return false;
    if (eq >= 0 && v.labels[key] !== l.slice(eq + 1)) return false;
  }
  if (f.name?.length && !f.name.some((n) => v.name.includes(n))) return false;
  if (f.driver?.length && !f.driver.includes(v.driver)) return false;
  if (f.dangling !== undefined && f.dangling === (inUse.get(v.name) ?? []).length > 0) return false;
  return true;
}

/** Bytes used by a directory tree (symlinks counted, not followed; other mounts not entered). */
export function diskUsage(path: string): number {
  let total = 0;
  let dev: number | undefined;
  const walk = (p: string): void => {
    let st;
    try { st = lstatSync(p); } catch { return; }
    dev ??= st.dev;
    if (st.dev !== dev) return;
    total += st.isDirectory() ? 0 : st.size;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(path);
  return total;
}
