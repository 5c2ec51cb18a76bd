// Network records, IP leases and endpoint records. Records and the lock are
// host-local files under <state>/networks:
//   <id>.json                 NetworkRecord
//   leases/<id>.json          { "<ip>": "<owner>" } (owner: container id, or "gateway")
//   endpoints/<cid>.json      EndpointRecord
//   .lock                     held around every change (allocation included)
//   .firewall-checked.json    the last firewall check (firewall/checked.ts)
// Leases and endpoints sit behind interfaces (LeaseStore, EndpointRegistry):
// the files here serve every network of one host; an overlay network of a
// cluster takes its leases from etcd (src/network/stores/etcd-leases.ts).
import { compareText } from '../text-order.js';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isCorruptRecord, isStringMap, readJson, writeJsonAtomic, writeJsonAtomicAsync } from '../state/atomic.js';
import { noteProblem } from '../state/notices.js';
import type { StatePaths } from '../state/paths.js';
import { BerthError } from '../errors.js';
import { withFileLock } from '../state/file-lock.js';
import type { EndpointRecord, NetworkRecord } from './types.js';
import { EtcdLeaseStore } from './stores/etcd-leases.js';
import { etcdFor, readMembership } from './stores/membership.js';

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
interface EndpointRegistry {
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

/**
 * Leases in <networks>/leases/<id>.json; the store lock makes read → commit
 * atomic. An unreadable leases file is rebuilt by `rebuild` from what it only
 * summarizes (the gateways and the endpoint records' addresses).
 */
export class FileLeaseStore implements LeaseStore {
  constructor(readonly dir: string, private readonly rebuild: (id: string) => Leases = () => ({})) {}

  private path(id: string): string {
    checkId('network', id, HEX64);
    return join(this.dir, 'leases', `${id}.json`);
  }

  readSync(id: string): Leases {
    try {
      return readJson<Leases>(this.path(id), isStringMap) ?? {};
    } catch (e) {
      if (!isCorruptRecord(e)) throw e;
      noteProblem(e.path, `warning: ${e.message} (rebuilt from the endpoint records)`);
      return this.rebuild(id);
    }
  }
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
      .map((f) => readOrSkip<EndpointRecord>(join(this.dir, 'endpoints', f), validEndpoint, 'endpoint record'))
      .filter((e): e is EndpointRecord => e !== undefined);
  }

  /** The container's endpoint; an unreadable one reads as none (a teardown then sweeps by name, a connect writes it anew). */
  get(containerId: string): EndpointRecord | undefined { return readOrSkip<EndpointRecord>(this.path(containerId), validEndpoint, 'endpoint record'); }
  saveSync(e: EndpointRecord, options: { durable?: boolean } = {}): void { writeJsonAtomic(this.path(e.containerId), e, options); }
  async save(e: EndpointRecord): Promise<void> { await writeJsonAtomicAsync(this.path(e.containerId), e); }
  delete(containerId: string): void { rmSync(this.path(containerId), { force: true }); }
}

export class NetworkStore {
  readonly fileLeases: FileLeaseStore;
  readonly endpointRegistry: FileEndpointRegistry;

  constructor(readonly paths: StatePaths) {
    this.fileLeases = new FileLeaseStore(paths.networks, (id) => this.leasesFromEndpoints(id));
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
      .map((f) => readOrSkip<NetworkRecord>(join(this.dir, f), validNetwork, 'network record'))
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
    return n.cluster ? new EtcdLeaseStore(etcdFor(n.cluster.store), n.cluster.prefix, readMembership(this.paths)?.lease) : this.fileLeases;
  }

  /** This host's lease file of a network (its leases when the network is host-local). */
  leases(id: string): Leases { return this.fileLeases.readSync(id); }
  saveLeases(id: string, l: Leases): void { this.fileLeases.writeSync(id, l); }

  endpoints(): EndpointRecord[] { return this.endpointRegistry.list(); }
  endpoint(containerId: string): EndpointRecord | undefined { return this.endpointRegistry.get(containerId); }
  saveEndpoint(e: EndpointRecord, options: { durable?: boolean } = {}): void { this.endpointRegistry.saveSync(e, options); }

  /** What a host-local leases file summarizes: the gateways and the endpoint records' addresses. */
  private leasesFromEndpoints(id: string): Leases {
    const l: Leases = {};
    const net = this.networks().find((n) => n.id === id);
    for (const s of net?.subnets ?? []) if (s.gateway) l[s.gateway] = 'gateway';
    for (const ep of this.endpoints()) {
      for (const a of ep.attachments) {
        if (a.networkId !== id) continue;
        if (a.ipv4) l[a.ipv4] = ep.containerId;
        if (a.ipv6) l[a.ipv6] = ep.containerId;
      }
    }
    return l;
  }
  async saveEndpointAsync(e: EndpointRecord): Promise<void> { await this.endpointRegistry.save(e); }
  deleteEndpoint(containerId: string): void { this.endpointRegistry.delete(containerId); }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validNetwork(v: unknown): boolean {
  return isObj(v) && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.driver === 'string'
    && Array.isArray(v.subnets) && v.subnets.every(isObj) && isStringMap(v.labels);
}

function validEndpoint(v: unknown): boolean {
  return isObj(v) && typeof v.containerId === 'string' && typeof v.netnsPath === 'string'
    && Array.isArray(v.attachments) && v.attachments.every(isObj) && Array.isArray(v.ports) && Array.isArray(v.expose);
}

/** A record, or undefined (noted once for the end of the command) when it cannot be read. */
function readOrSkip<T>(path: string, valid: (v: unknown) => boolean, what: string): T | undefined {
  try {
    return readJson<T>(path, valid);
  } catch (e) {
    if (!isCorruptRecord(e)) throw e;
    noteProblem(path, `warning: ${e.message} (the ${what} is ignored)`);
    return undefined;
  }
}

export function assertContainerId(id: string): void {
  checkId('container', id, SAFE_ID);
}

/** A container's endpoint record, read without loading the network drivers (ps, inspect, published ports). */
export function getEndpoint(paths: StatePaths, containerId: string): EndpointRecord | undefined {
  assertContainerId(containerId);
  return new NetworkStore(paths).endpoint(containerId);
}
