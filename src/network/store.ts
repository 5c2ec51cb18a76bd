// Network records, IP leases and endpoint records under <state>/networks.
//   <id>.json                 NetworkRecord
//   leases/<id>.json          { "<ip>": "<owner>" } (owner: container id, or "gateway")
//   endpoints/<cid>.json      EndpointRecord
//   .lock                     held around every change (allocation included)
import { compareText } from '../text-order.js';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic, writeJsonAtomicAsync } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';
import { BerthError } from '../errors.js';
import { withFileLock } from '../state/file-lock.js';
import type { EndpointRecord, NetworkRecord } from './types.js';

export type Leases = Record<string, string>;

const HEX64 = /^[0-9a-f]{64}$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function checkId(kind: string, id: string, re: RegExp): void {
  if (!re.test(id)) throw new BerthError(`invalid ${kind} id '${id}'`);
}

export class NetworkStore {
  constructor(readonly paths: StatePaths) {}

  get dir(): string { return this.paths.networks; }
  /**
   * Runs a change under the state lock. System errors (errno-coded, from the
   * addon or the file system: EPERM for a non-root user, EEXIST, …) become
   * BerthErrors: they are the user's to act on, not bugs.
   */
  async lock<T>(fn: () => Promise<T> | T): Promise<T> {
    try {
      return await withFileLock(join(this.dir, '.lock'), fn, { what: `the network store (${this.dir})` });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (!(e instanceof BerthError) && typeof err?.code === 'string' && typeof err.errno === 'number') {
        throw new BerthError(err.code === 'EPERM' || err.code === 'EACCES' ? `${err.message} (berth networks need root)` : err.message);
      }
      throw e;
    }
  }

  networks(): NetworkRecord[] {
    let files: string[] = [];
    try { files = readdirSync(this.dir); } catch { return []; }
    return files
      .filter((f) => f.endsWith('.json') && HEX64.test(f.slice(0, -5)))
      .map((f) => readJson<NetworkRecord>(join(this.dir, f)))
      .filter((n): n is NetworkRecord => n !== undefined)
      .sort((a, b) => compareText(a.name, b.name));
  }

  /** By exact name, full id, or unique id prefix (≥ 3 chars). */
  find(ref: string): NetworkRecord | undefined {
    const all = this.networks();
    const byName = all.find((n) => n.name === ref);
    if (byName) return byName;
    if (ref.length < 3 || !/^[0-9a-f]+$/.test(ref)) return undefined;
    const hits = all.filter((n) => n.id.startsWith(ref));
    if (hits.length > 1) throw new BerthError(`network id prefix '${ref}' is ambiguous`);
    return hits[0];
  }

  saveNetwork(n: NetworkRecord): void {
    checkId('network', n.id, HEX64);
    writeJsonAtomic(join(this.dir, `${n.id}.json`), n);
  }

  deleteNetwork(id: string): void {
    checkId('network', id, HEX64);
    rmSync(join(this.dir, `${id}.json`), { force: true });
    rmSync(join(this.dir, 'leases', `${id}.json`), { force: true });
  }

  private leasesPath(id: string): string {
    checkId('network', id, HEX64);
    return join(this.dir, 'leases', `${id}.json`);
  }

  leases(id: string): Leases {
    return readJson<Leases>(this.leasesPath(id)) ?? {};
  }

  saveLeases(id: string, l: Leases): void {
    writeJsonAtomic(this.leasesPath(id), l);
  }

  /** saveLeases with the fsync on the thread pool: the event loop serves the other containers of an `up` meanwhile. */
  async saveLeasesAsync(id: string, l: Leases): Promise<void> {
    await writeJsonAtomicAsync(this.leasesPath(id), l);
  }

  endpoints(): EndpointRecord[] {
    let files: string[] = [];
    try { files = readdirSync(join(this.dir, 'endpoints')); } catch { return []; }
    return files
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => readJson<EndpointRecord>(join(this.dir, 'endpoints', f)))
      .filter((e): e is EndpointRecord => e !== undefined);
  }

  private endpointPath(containerId: string): string {
    checkId('container', containerId, SAFE_ID);
    return join(this.dir, 'endpoints', `${containerId}.json`);
  }

  endpoint(containerId: string): EndpointRecord | undefined {
    return readJson<EndpointRecord>(this.endpointPath(containerId));
  }

  saveEndpoint(e: EndpointRecord): void {
    writeJsonAtomic(this.endpointPath(e.containerId), e);
  }

  async saveEndpointAsync(e: EndpointRecord): Promise<void> {
    await writeJsonAtomicAsync(this.endpointPath(e.containerId), e);
  }

  deleteEndpoint(containerId: string): void {
    rmSync(this.endpointPath(containerId), { force: true });
  }
}

export function assertContainerId(id: string): void {
  checkId('container', id, SAFE_ID);
}
