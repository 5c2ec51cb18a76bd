// Network records, IP leases and endpoint records. Records and the lock are
// host-local files under <state>/networks:
//   <id>.json                 NetworkRecord
//   leases/<id>.json          { "<ip>": "<owner>" } (owner: container id, or "gateway")
//   endpoints/<cid>.json      EndpointRecord
//   .lock                     held around every change (allocation included)
// Leases and endpoints sit behind interfaces (LeaseStore, EndpointRegistry):
// the files here serve every network of one host; an overlay network of a
// cluster takes its leases from etcd (src/network/stores/etcd-leases.ts).
import { compareText } from '../text-order.js';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic, writeJsonAtomicAsync } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';
import { BerthError } from '../errors.js';
import { withFileLock } from '../state/file-lock.js';
import type { EndpointRecord, NetworkRecord } from './types.js';
import { EtcdLeaseStore } from './stores/etcd-leases.js';
import { etcdFor } from './stores/membership.js';

export type Leases = Record<string, string>;

/**
 * Address leases of networks. `commit` writes a change computed from what
 * `read` returned; a store shared between hosts checks that nobody took or
 * dropped the same addresses meanwhile and throws LeaseConflict (the caller
 * computes again from a fresh read).
 */
export interface LeaseStore {
  read(networkId: string): Promise<Leases>;
  commit(networkId: string, before: Leases, after: Leases): Promise<void>;
  /** Forgets every lease of a removed network. */
  drop(networkId: string): Promise<void>;
}

/** The endpoint records of the containers of this host (what was set up for each). */
export interface EndpointRegistry {
  list(): EndpointRecord[];
  get(containerId: string): EndpointRecord | undefined;
  save(e: EndpointRecord): Promise<void>;
  delete(containerId: string): void;
}

/** Another host changed the same addresses between read and commit. */
export class LeaseConflict extends Error {
  constructor(readonly networkId: string) { super(`address leases of network ${networkId} changed meanwhile`); }
}

const HEX64 = /^[0-9a-f]{64}$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function checkId(kind: string, id: string, re: RegExp): void {
  if (!re.test(id)) throw new BerthError(`invalid ${kind} id '${id}'`);
}

/** Leases in <networks>/leases/<id>.json; the store lock makes read → commit atomic. */
export class FileLeaseStore implements LeaseStore {
  constructor(readonly dir: string) {}

  private path(id: string): string {
    checkId('network', id, HEX64);
    return join(this.dir, 'leases', `${id}.json`);
  }

  readSync(id: string): Leases { return readJson<Leases>(this.path(id)) ?? {}; }
  writeSync(id: string, l: Leases): void { writeJsonAtomic(this.path(id), l); }
  async read(id: string): Promise<Leases> { return this.readSync(id); }
  /** The fsync runs on the thread pool: the event loop serves the other containers of an `up` meanwhile. */
  async commit(id: string, _before: Leases, after: Leases): Promise<void> { await writeJsonAtomicAsync(this.path(id), after); }
  async drop(id: string): Promise<void> { rmSync(this.path(id), { force: true }); }
}

export class FileEndpointRegistry implements EndpointRegistry {
  constructor(readonly dir: string) {}

  private path(containerId: string): string {
    checkId('container', containerId, SAFE_ID);
    return join(this.dir, 'endpoints', `${containerId}.json`);
  }

  list(): EndpointRecord[] {
    let files: string[] = [];
    try { files = readdirSync(join(this.dir, 'endpoints')); } catch { return []; }
    return files
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => readJson<EndpointRecord>(join(this.dir, 'endpoints', f)))
      .filter((e): e is EndpointRecord => e !== undefined);
  }

  get(containerId: string): EndpointRecord | undefined { return readJson<EndpointRecord>(this.path(containerId)); }
  saveSync(e: EndpointRecord): void { writeJsonAtomic(this.path(e.containerId), e); }
  async save(e: EndpointRecord): Promise<void> { await writeJsonAtomicAsync(this.path(e.containerId), e); }
  delete(containerId: string): void { rmSync(this.path(containerId), { force: true }); }
}

export class NetworkStore {
  readonly fileLeases: FileLeaseStore;
  readonly endpointRegistry: FileEndpointRegistry;

  constructor(readonly paths: StatePaths) {
    this.fileLeases = new FileLeaseStore(paths.networks);
    this.endpointRegistry = new FileEndpointRegistry(paths.networks);
  }

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

  /** Where the network's addresses are leased. */
  leaseStore(n: NetworkRecord): LeaseStore {
    return n.cluster ? new EtcdLeaseStore(etcdFor(n.cluster.store), n.cluster.prefix) : this.fileLeases;
  }

  /** This host's lease file of a network (its leases when the network is host-local). */
  leases(id: string): Leases { return this.fileLeases.readSync(id); }
  saveLeases(id: string, l: Leases): void { this.fileLeases.writeSync(id, l); }

  endpoints(): EndpointRecord[] { return this.endpointRegistry.list(); }
  endpoint(containerId: string): EndpointRecord | undefined { return this.endpointRegistry.get(containerId); }
  saveEndpoint(e: EndpointRecord): void { this.endpointRegistry.saveSync(e); }
  async saveEndpointAsync(e: EndpointRecord): Promise<void> { await this.endpointRegistry.save(e); }
  deleteEndpoint(containerId: string): void { this.endpointRegistry.delete(containerId); }
}

export function assertContainerId(id: string): void {
  checkId('container', id, SAFE_ID);
}
