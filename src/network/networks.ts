// Network lifecycle for the orchestrator and the CLI: create, remove, list,
// prune. Records are written before kernel objects are made (so a crash
// leaves something `rm` can find) and removed only once teardown succeeded.
import { randomHex } from '../hashing.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { linkList } from '../native/netlink.js';
import { hostPrefixes } from './host-prefixes.js';
import { formatCidr, parseCidr } from './ipam/cidr.js';
import { NftFirewall, prefetchFirewallListings, type Firewall } from './firewall/firewall.js';
import { firewallCheck } from './firewall/checked.js';
import { readMembership } from './stores/membership.js';
import { joinClusterNetwork } from './stores/cluster-networks.js';
import { type ClusterEndpoint, readRemoteEndpoints, remoteAsEndpointRecords, writeRemoteEndpoints } from './stores/cluster-endpoints.js';
import { OverlayDriver, VNI_FIRST, VNI_LAST, requestedVni as requestedVniOf } from './drivers/overlay.js';
import { driverFor } from './drivers/registry.js';
import type { DriverContext } from './drivers/driver.js';
import { chooseSubnets, configuredPools } from './ipam/ipam.js';
import { NetworkStore } from './store.js';
import { dnsBinary, serverState, syncDns, syncDnsDeferred } from './dns/manager.js';
import type { NetworkConfig, NetworkRecord, NetworkSpec } from './types.js';

const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** What drivers are given: the firewall (injected here, on the configured table), and this host's cluster membership when it has one. */
export function driverContext(cfg: Pick<NetworkConfig, 'nftTable'>, opts: { fresh?: boolean; paths?: StatePaths; firewall?: Firewall } = {}): DriverContext {
  const membership = opts.paths ? readMembership(opts.paths) : undefined;
  return { firewall: opts.firewall ?? new NftFirewall(cfg.nftTable, opts.paths?.networks), ...(opts.fresh ? { fresh: true } : {}), ...(membership ? { membership } : {}) };
}

/** Prefixes routed or addressed on the host (see host-prefixes.ts): automatic subnets avoid them. */
export function hostRoutes(): string[] {
  return hostPrefixes().map((p) => p.cidr);
}

/** This host's endpoints and, on a cluster's overlay networks, the other nodes' (mirrored by the node agent). */
function dnsEndpoints(store: NetworkStore, networks: NetworkRecord[]) {
  const remote = readRemoteEndpoints(store.paths);
  return remote.length ? [...store.endpoints(), ...remoteAsEndpointRecords(remote, networks.filter((n) => n.cluster))] : store.endpoints();
}

async function syncDnsFromStore(store: NetworkStore, cfg: NetworkConfig): Promise<void> {
  const nets = store.networks();
  await syncDns(store.paths, nets, dnsEndpoints(store, nets), cfg);
}

/** syncDnsFromStore under the lock; the returned wait for the responder can run after the lock is released. */
export function syncDnsDeferredFromStore(store: NetworkStore, cfg: NetworkConfig): Promise<() => Promise<void>> {
  const nets = store.networks();
  return syncDnsDeferred(store.paths, nets, dnsEndpoints(store, nets), cfg);
}

/**
 * The responder's supervision: with networks recorded and no live responder
 * (killed, crashed, gone with a reboot of /run), it is started again from the
 * records. Returns true when it had to be. Taken under the network lock, so
 * two commands never start two.
 */
export async function ensureDnsResponder(paths: StatePaths, cfg: NetworkConfig): Promise<boolean> {
  const store = new NetworkStore(paths);
  if (!store.networks().length || serverState(paths)) return false;
  const loaded = await store.lock(async () => (serverState(paths) || !store.networks().length ? undefined : syncDnsDeferredFromStore(store, cfg)));
  if (!loaded) return false;
  await loaded();
  return true;
}

/** Whether the DNS responder serves this network's gateways now (for inspect). */
export function dnsResponderState(paths: StatePaths, net: NetworkRecord): { Running: boolean; Pid?: number; Gateways: string[] } {
  const s = serverState(paths);
  const gateways = net.subnets.map((x) => x.gateway).filter((g) => s?.bound.includes(g));
  return s ? { Running: true, Pid: s.pid, Gateways: gateways } : { Running: false, Gateways: [] };
}

export async function createNetwork(paths: StatePaths, cfg: NetworkConfig, spec: NetworkSpec): Promise<NetworkRecord> {
  if (!NETWORK_NAME.test(spec.name)) throw new BerthError(`invalid network name '${spec.name}'`);
  const driver = driverFor(spec.driver);
  driver.validate(spec);
  if (spec.ipam?.driver && spec.ipam.driver !== 'default') throw new BerthError(`network ${spec.name}: IPAM driver '${spec.ipam.driver}' is not supported`);
  dnsBinary(cfg);  // its responder must be there: checked before anything is created
  prefetchFirewallListings(cfg.nftTable);  // the firewall's listings run while the records and the bridge are made
  const store = new NetworkStore(paths);
  return store.lock(async () => {
    const existing = store.networks();
    if (existing.some((n) => n.name === spec.name)) throw new BerthError(`network ${spec.name} already exists`);
    const routes = hostPrefixes();
    const choose = (taken: string[]) => chooseSubnets(spec, taken, routes, configuredPools(cfg));
    const m = driver.name === 'overlay' ? readMembership(paths) : undefined;
    // An overlay network of a cluster takes id, subnets and VNI from the cluster's definition.
    const shared = m ? await joinClusterNetwork(m, {
      name: spec.name, requestedVni: requestedVniOf(spec), internal: Boolean(spec.internal), enableIpv6: Boolean(spec.enable_ipv6),
      requestedSubnets: (spec.ipam?.config ?? []).flatMap((c) => (c.subnet ? [formatCidr(parseCidr(c.subnet))] : [])),
      chooseSubnets: choose, vniRange: [VNI_FIRST, VNI_LAST],
    }, existing) : undefined;
    const id = shared?.def.id ?? randomHex(32);
    const { bridge, mtu, options } = driver.describe(spec, id);
    const clash = existing.find((n) => n.bridge === bridge);
    const rec: NetworkRecord = {
      id, name: spec.name, driver: driver.name, bridge, mtu,
      internal: Boolean(spec.internal), attachable: Boolean(spec.attachable), enableIpv6: Boolean(spec.enable_ipv6),
      labels: { ...(spec.labels ?? {}) }, options, subnets: shared?.def.subnets ?? [], created: new Date().toISOString(),
      ...(shared && m ? { vni: shared.def.vni, cluster: { store: m.store, prefix: m.prefix, node: m.node, vtep: m.vtep } } : {}),
    };
    try {
      if (clash) throw new BerthError(`network ${spec.name}: bridge ${bridge} is already used by network ${clash.name}`);
      if (!shared) rec.subnets = choose(existing.flatMap((n) => n.subnets.map((s) => s.subnet)));
      await driver.allocate?.(rec, spec, existing);
    } catch (e) {
      if (shared) await driver.release?.(rec).catch(() => undefined);
      throw e;
    }
    try {
      store.saveNetwork(rec);
      await driver.setup(rec, driverContext(cfg, { fresh: true, paths }));
    } catch (e) {
      store.deleteNetwork(id);
      await driver.release?.(rec).catch(() => undefined);
      throw e;
    }
    await syncDnsFromStore(store, cfg);
    return rec;
  });
}

/** How an existing record differs from what a spec asks for; empty when compatible. */
function networkDifferences(n: NetworkRecord, spec: NetworkSpec): string[] {
  const d: string[] = [];
  const driver = driverFor(spec.driver);
  const want = driver.describe(spec, n.id);
  const cmp = (what: string, have: unknown, wanted: unknown) => { if (have !== wanted) d.push(`${what} (has ${String(have)}, wants ${String(wanted)})`); };
  cmp('driver', n.driver, driver.name);
  cmp('internal', n.internal, Boolean(spec.internal));
  cmp('enable_ipv6', n.enableIpv6, Boolean(spec.enable_ipv6));
  cmp('mtu', n.mtu, want.mtu);
  if (spec.driver_opts && Object.keys(spec.driver_opts).some((k) => k.endsWith('bridge.name') || k === 'bridge_name')) cmp('bridge name', n.bridge, want.bridge);
  const vni = spec.driver_opts?.vni ?? spec.driver_opts?.['com.docker.network.driver.overlay.vxlanid_list'];
  if (vni !== undefined) cmp('vni', n.vni, Number(vni));
  for (const c of spec.ipam?.config ?? []) {
    if (!c.subnet) continue;
    const have = n.subnets.find((s) => s.subnet === (() => { try { return formatCidr(parseCidr(c.subnet!)); } catch { return c.subnet; } })());
    if (!have) d.push(`subnet (has ${n.subnets.map((s) => s.subnet).join(', ')}, wants ${c.subnet})`);
    else if (c.gateway && have.gateway !== c.gateway) d.push(`gateway (has ${have.gateway}, wants ${c.gateway})`);
  }
  return d;
}

/**
 * The orchestrator's entry point: creates the network when missing; when it
 * exists, checks that it still matches the spec (an error names the
 * difference) and repairs its kernel objects, firewall rules and DNS (after a
 * reboot or a crash).
 */
export async function ensureNetwork(paths: StatePaths, cfg: NetworkConfig, spec: NetworkSpec): Promise<{ network: NetworkRecord; created: boolean }> {
  const store = new NetworkStore(paths);
  const existing = store.networks().find((n) => n.name === spec.name);
  if (!existing) return { network: await createNetwork(paths, cfg, spec), created: true };
  const diff = networkDifferences(existing, spec);
  if (diff.length) throw new BerthError(`network ${spec.name} exists with a different configuration: ${diff.join('; ')}; remove it first (berth down)`);
  await store.lock(async () => {
    const n = store.find(existing.id);
    if (!n) throw new BerthError(`network ${spec.name} was removed meanwhile`);
    const driver = driverFor(n.driver);
    const links = linkList(null);
    if (!links.some((l) => l.name === n.bridge)) await driver.setup(n, driverContext(cfg, { paths }));
    else {
      if (n.vxlan && !links.some((l) => l.name === n.vxlan) && driver instanceof OverlayDriver) driver.addVxlan(n);
      await driverContext(cfg, { paths }).firewall.setupNetwork(n);
    }
    await syncDnsFromStore(store, cfg);
  });
  return { network: existing, created: false };
}

/** The names of the links in this network namespace (over netlink: /sys/class/net shows those of the namespace sysfs was mounted in). */
export function hostLinkNames(): Set<string> {
  return new Set(linkList(null).map((l) => l.name));
}

/**
 * Puts back the firewall rules missing for these networks (by id; those whose bridge is gone
 * are left to the caller): after a firewall reload flushed the iptables chains berth adds
 * its accepts to, or a dockerd started since the network was made. One nft listing when
 * nothing is missing. Returns the names of the networks repaired.
 */
export async function repairFirewall(paths: StatePaths, cfg: Pick<NetworkConfig, 'nftTable'>, ids: string[]): Promise<string[]> {
  const store = new NetworkStore(paths);
  return store.lock(async () => {
    const ns = ids.map((id) => store.find(id)).filter((n): n is NetworkRecord => Boolean(n));
    if (ns.length === 0) return [];
    const check = firewallCheck(store.dir, cfg.nftTable);
    if (check.intact(ns.map((n) => n.id))) return [];
    const repaired = await driverContext(cfg, { paths }).firewall.repairNetworks(ns);
    if (repaired.length === 0) check.found(ns.map((n) => n.id));
    return repaired.map((n) => n.name);
  });
}

/** Removes a network; refuses while containers are attached. Teardown errors are all reported. */
export async function removeNetwork(paths: StatePaths, cfg: NetworkConfig, ref: string): Promise<NetworkRecord> {
  const store = new NetworkStore(paths);
  return store.lock(async () => {
    const n = store.find(ref) ?? unreadableNetwork(store, ref);
    if (!n) throw new BerthError(`network ${ref} not found`);
    const users = store.endpoints().filter((e) => e.attachments.some((a) => a.networkId === n.id));
    if (users.length) {
      throw new BerthError(`network ${n.name} has active endpoints (${users.map((u) => u.name ?? u.containerId.slice(0, 12)).join(', ')})`);
    }
    // A cluster's network leaves the cluster first: with etcd out of reach nothing changes here.
    await driverFor(n.driver).release?.(n);
    const errs = await driverFor(n.driver).teardown(n, driverContext(cfg, { paths }));
    if (errs.length) throw new BerthError(`network ${n.name}: teardown failed: ${errs.map((e) => e.message).join('; ')}`);
    store.deleteNetwork(n.id);
    writeRemoteEndpoints(paths, n.id, []);
    await syncDnsFromStore(store, cfg);
    return n;
  });
}

/**
 * `network rm <full id>` of a network whose record cannot be read: what
 * teardown needs is named after the id (bridge br-<id12>, firewall chains).
 */
function unreadableNetwork(store: NetworkStore, ref: string): NetworkRecord | undefined {
  if (!/^[0-9a-f]{64}$/.test(ref) || !existsSync(join(store.dir, `${ref}.json`))) return undefined;
  return { id: ref, name: ref, driver: 'bridge', bridge: `br-${ref.slice(0, 12)}`, subnets: [], labels: {} } as unknown as NetworkRecord;
}

/** A network by name, id or unique id prefix; undefined when absent (e.g. checking `external: true`). */
export function getNetwork(paths: StatePaths, ref: string): NetworkRecord | undefined {
  return new NetworkStore(paths).find(ref);
}

export interface NetworkSummary extends NetworkRecord { containers: string[] }

export function listNetworks(paths: StatePaths): NetworkSummary[] {
  const store = new NetworkStore(paths);
  const eps = store.endpoints();
  return store.networks().map((n) => ({
    ...n,
    containers: eps.filter((e) => e.attachments.some((a) => a.networkId === n.id)).map((e) => e.containerId),
  }));
}

export function inspectNetwork(paths: StatePaths, ref: string): NetworkSummary & { dns: ReturnType<typeof dnsResponderState> } {
  const store = new NetworkStore(paths);
  const n = store.find(ref);
  if (!n) throw new BerthError(`network ${ref} not found`);
  return { ...listNetworks(paths).find((x) => x.id === n.id)!, dns: dnsResponderState(paths, n) };
}

/** Removes every network without endpoints (optionally only those matching a label filter). */
export async function pruneNetworks(paths: StatePaths, cfg: NetworkConfig, labels: Record<string, string | undefined> = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const n of listNetworks(paths)) {
    if (n.containers.length) continue;
    if (!Object.entries(labels).every(([k, v]) => k in n.labels && (v === undefined || n.labels[k] === v))) continue;
    await removeNetwork(paths, cfg, n.id);
    removed.push(n.name);
  }
  return removed;
}

/**
 * Brings this node's overlay networks of a cluster in step with the cluster's
 * endpoint records (the node agent calls it on every change): forwarding
 * entries toward the other nodes, the mirror of their endpoints, and DNS.
 */
export async function applyClusterEndpoints(paths: StatePaths, cfg: NetworkConfig, node: string, all: Map<string, ClusterEndpoint[]>, members: Map<string, string[]>): Promise<Error[]> {
  const store = new NetworkStore(paths);
  return store.lock(async () => {
    const errs: Error[] = [];
    for (const n of store.networks().filter((x) => x.cluster)) {
      const remote = (all.get(n.id) ?? []).filter((e) => e.node !== node);
      const vteps = [...new Set([...(members.get(n.id) ?? []), ...remote.map((e) => e.vtep)])].filter((v) => v !== n.cluster!.vtep).sort();
      const driver = driverFor(n.driver);
      if (driver instanceof OverlayDriver && linkList(null).some((l) => l.name === n.vxlan)) errs.push(...await driver.syncForwarding(n, remote, vteps));
      writeRemoteEndpoints(paths, n.id, remote);
    }
    try { await syncDnsFromStore(store, cfg); } catch (e) { errs.push(e as Error); }
    return errs;
  });
}
