// Container endpoints: attach a container's netns to networks (addresses from
// IPAM, veth per network, default route), publish its ports, keep DNS in
// step; and the reverse. Everything is checked before the kernel is touched.
import { existsSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { recordEvent } from '../events/journal.js';
import type { StatePaths } from '../state/paths.js';
import { driverFor } from './drivers/registry.js';
import { IFNAME, hostVethName } from './drivers/bridge.js';
import { contains, formatIp, ipFamily, parseCidr, parseIp } from './ipam/cidr.js';
import { lease, releaseOwner } from './ipam/ipam.js';
import { assignPorts, expandPorts, normalizeExpose } from './ports.js';
import { LeaseConflict, NetworkStore, assertContainerId, type LeaseStore, type Leases } from './store.js';
import { driverContext, hostLinkNames, syncDnsDeferredFromStore } from './networks.js';
import { requestDnsSync } from './dns/sync-batch.js';
import { withRollback } from './drivers/driver.js';
import { crashPoint } from '../state/crash.js';
import type { AttachmentRecord, EndpointRecord, EndpointRequest, NetworkConfig, NetworkRecord, PortBinding, PublishedPort } from './types.js';

export { hostVethName };

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** A `link_local_ips` entry: an address in 169.254.0.0/16 or fe80::/10, as "ip/prefix". */
function linkLocal(ip: string, netName: string): string {
  const p = parseIp(ip);
  const ok = p && (p.family === 4 ? contains(parseCidr('169.254.0.0/16'), 4, p.value) : contains(parseCidr('fe80::/10'), 6, p.value));
  if (!ok) throw new BerthError(`network ${netName}: link_local_ips entry '${ip}' is not a link-local address`);
  return `${formatIp(p!.family, p!.value)}/${p!.family === 4 ? 16 : 64}`;
}

function macOfIpv4(ip: string): string {
  return ['02', '42', ...ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

function nextIfname(used: Set<string>): string {
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

/** docker's network event: the network's id, the container, its name and driver (and its labels, for filters). */
function networkEvent(paths: StatePaths, action: 'connect' | 'disconnect', net: NetworkRecord, containerId: string): void {
  recordEvent(paths, { type: 'network', action, id: net.id, attributes: { ...net.labels, container: containerId, name: net.name, type: net.driver } });
}

/** Attaches the container to its networks and publishes its ports; returns once the DNS responder serves its names. */
export async function connectEndpoint(paths: StatePaths, cfg: NetworkConfig, req: EndpointRequest): Promise<EndpointRecord> {
  const { endpoint, dnsLoaded } = await connectEndpointDeferred(paths, cfg, req);
  await dnsLoaded;
  return endpoint;
}

/**
 * connectEndpoint returning as soon as the endpoint is made and recorded,
 * with the wait for the DNS responder to serve its names apart: a container
 * being created goes on with its root file system and bundle meanwhile, and
 * waits before it counts as created. `dnsLoaded` rejects when that sync
 * fails; a caller that stops before awaiting it must await or catch it.
 */
export async function connectEndpointDeferred(paths: StatePaths, cfg: NetworkConfig, req: EndpointRequest): Promise<{ endpoint: EndpointRecord; dnsLoaded: Promise<void> }> {
  assertContainerId(req.containerId);
  if (!req.netnsPath.startsWith('/') || !existsSync(req.netnsPath)) throw new BerthError(`network namespace ${req.netnsPath} does not exist`);
  if (!req.networks.length && !(req.ports ?? []).length) throw new BerthError('connect: no network given');
  for (const s of req.dnsServers ?? []) if (!ipFamily(s)) throw new BerthError(`dns: invalid nameserver address '${s}'`);
  const portReqs = expandPorts(req.ports ?? []);
  const expose = normalizeExpose(req.expose);
  const store = new NetworkStore(paths);
  // The DNS sync comes after the lock is released (see sync-batch.ts), so the
  // containers of one `up` attach one after another without it.
  const ep = await retryOnLeaseConflict(() => store.lock(async () => {
    const prev = store.endpoint(req.containerId);
    if (prev && prev.netnsPath !== req.netnsPath) throw new BerthError(`container ${req.containerId} is attached with another network namespace (${prev.netnsPath})`);
    const ep: EndpointRecord = prev ? structuredClone(prev) : {
      containerId: req.containerId, name: req.name, netnsPath: req.netnsPath,
      dnsNames: [...new Set(req.dnsNames ?? [])], attachments: [], ports: [], expose: [],
      ...(req.dnsServers?.length ? { dnsServers: [...req.dnsServers] } : {}),
    };
    ep.expose = [...new Set([...ep.expose, ...expose])];
    const used = new Set(ep.attachments.map((a) => a.interface));
    const ordered = [...req.networks].map((n, i) => ({ n, i }))
      .sort((a, b) => (b.n.priority ?? 0) - (a.n.priority ?? 0) || a.i - b.i).map((x) => x.n);
    const leaseBook = new Map<string, { ls: LeaseStore; before: Leases; after: Leases }>();
    const added: Array<{ net: NetworkRecord; rec: AttachmentRecord }> = [];
    for (const want of ordered) {
      const net = store.find(want.name);
      if (!net) throw new BerthError(`network ${want.name} not found`);
      if (ep.attachments.some((a) => a.networkId === net.id) || added.some((a) => a.net.id === net.id)) {
        throw new BerthError(`container ${req.name ?? req.containerId} is already attached to network ${net.name}`);
      }
      const ifname = want.interface_name ?? nextIfname(used);
      if (!IFNAME.test(ifname)) throw new BerthError(`network ${net.name}: invalid interface_name '${ifname}'`);
      if (used.has(ifname)) throw new BerthError(`network ${net.name}: interface ${ifname} is used twice`);
      used.add(ifname);
      if (want.mac_address && !MAC.test(want.mac_address)) throw new BerthError(`network ${net.name}: invalid mac_address '${want.mac_address}'`);
      let book = leaseBook.get(net.id);
      const fresh = !book;
      if (!book) {
        const ls = store.leaseStore(net);
        const before = await ls.read(net.id);
        book = { ls, before, after: { ...before } };
        leaseBook.set(net.id, book);
      }
      const leases = book.after;
      // Without a record, leases in this container's name are leftovers of a crash: reuse them.
      const leftovers = !prev && fresh ? releaseOwner(leases, req.containerId) : [];
      const rec: AttachmentRecord = {
        network: net.name, networkId: net.id, interface: ifname, hostVeth: hostVethName(req.containerId, net.id),
        aliases: [...new Set(want.aliases ?? [])], links: [...(want.links ?? [])],
        ...(want.link_local_ips?.length ? { linkLocalIps: want.link_local_ips.map((ip) => linkLocal(ip, net.name)) } : {}),
        ...(want.gw_priority !== undefined ? { gwPriority: want.gw_priority } : {}),
        ...(want.mac_address ? { mac: want.mac_address.toLowerCase() } : {}),
      };
      for (const s of net.subnets) {
        const wanted = s.family === 4 ? want.ipv4_address : want.ipv6_address;
        if (s.family === 6 && !net.enableIpv6) continue;
        if (rec[s.family === 4 ? 'ipv4' : 'ipv6']) continue;  // first subnet of each family
        const ip = lease(s, leases, req.containerId, wanted, net.name, leftovers);
        if (s.family === 4) Object.assign(rec, { ipv4: ip, prefix4: parseCidr(s.subnet).prefix, gateway4: s.gateway });
        else Object.assign(rec, { ipv6: ip, prefix6: parseCidr(s.subnet).prefix, gateway6: s.gateway });
      }
      // Without a given MAC, the address's own (as Docker's 02:42:<IPv4>): a
      // container attached again, after a crash or a recreate, keeps its
      // MAC, so that its neighbours' ARP caches stay right.
      if (!rec.mac && rec.ipv4) rec.mac = macOfIpv4(rec.ipv4);
      if (want.ipv4_address && !rec.ipv4) throw new BerthError(`network ${net.name}: has no IPv4 subnet for ${want.ipv4_address}`);
      if (want.ipv6_address && !rec.ipv6) throw new BerthError(`network ${net.name}: has no IPv6 subnet for ${want.ipv6_address} (enable_ipv6?)`);
      added.push({ net, rec });
    }
    // Ports go to the first attachment (of the full, ordered list) that is not internal.
    const all = [...ep.attachments, ...added.map((a) => a.rec)];
    const nets = new Map([...store.networks()].map((n) => [n.id, n]));
    const target = all.find((a) => !nets.get(a.networkId)?.internal) ?? all[0];
    if (portReqs.length && !target) throw new BerthError('ports: the container is on no network');
    // Every endpoint record of the host is read only when there are ports to place among theirs.
    const taken = () => store.endpoints().filter((e) => e.containerId !== req.containerId).flatMap((e) => e.ports);
    const published = portReqs.length
      ? await assignPorts(portReqs, (r) => (r.hostIp.includes(':') && target!.ipv6) ? target!.ipv6 : target!.ipv4 ?? target!.ipv6!, target!.networkId, [...taken(), ...ep.ports])
      : [];
    // The default route: highest gw_priority among non-internal networks, then the first in order.
    const hasDefault = ep.attachments.some((a) => !nets.get(a.networkId)?.internal);
    const candidates = added.filter((a) => !a.net.internal);
    const best = Math.max(...candidates.map((a) => a.rec.gwPriority ?? 0));
    const defaultNet = hasDefault ? undefined : candidates.find((a) => (a.rec.gwPriority ?? 0) === best)?.net.id;
    const ctx = driverContext(cfg, { paths });
    const whose = { containerId: ep.containerId, ...(ep.name ? { name: ep.name } : {}), dnsNames: ep.dnsNames };
    await withRollback([
      { run: () => Promise.all([...leaseBook].map(([id, b]) => b.ls.commit(id, b.before, b.after))),
        undo: async () => { for (const a of added) await unlease(store.leaseStore(a.net), a.net.id, req.containerId, [a.rec.ipv4, a.rec.ipv6]); } },
      ...added.map((a) => ({
        run: () => driverFor(a.net.driver).attach(a.net, { netnsPath: req.netnsPath, record: a.rec, defaultRoute: a.net.id === defaultNet, endpoint: whose }, ctx),
        undo: () => driverFor(a.net.driver).detach(a.net, { netnsPath: req.netnsPath, record: a.rec, defaultRoute: false, endpoint: whose }, ctx),
      })),
      { run: async () => {
        ep.attachments.push(...added.map((a) => a.rec));
        ep.ports.push(...published);
        if (published.length) await ctx.firewall.publish(req.containerId, ep.ports);
      }, undo: () => (prev?.ports.length ? ctx.firewall.publish(req.containerId, prev.ports) : ctx.firewall.unpublish(req.containerId)) },
      { run: () => store.saveEndpointAsync(ep) },
    ]);
    for (const a of added) networkEvent(paths, 'connect', a.net, req.containerId);
    return ep;
  }));
  const dnsLoaded = syncDns(store, cfg).then((loaded) => loaded());
  dnsLoaded.catch(() => undefined);  // the caller's await reports it; never an unhandled rejection
  return { endpoint: ep, dnsLoaded };
}

/** The DNS configuration brought up to the records written so far, shared with this process's other changes. */
function syncDns(store: NetworkStore, cfg: NetworkConfig): Promise<() => Promise<void>> {
  return requestDnsSync(store.dir, (f) => store.lock(f), () => syncDnsDeferredFromStore(store, cfg));
}

/** A lease store shared between hosts can lose a race for an address: everything was rolled back, so plan again. */
async function retryOnLeaseConflict<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof LeaseConflict) || i >= attempts) throw e instanceof LeaseConflict ? new BerthError(e.message) : e;
    }
  }
}

/** Drops leases of `owner` (the given addresses, or all of them) from one network's store. */
async function unlease(ls: LeaseStore, networkId: string, owner: string, ips?: Array<string | undefined>): Promise<void> {
  return retryOnLeaseConflict(async () => {
    const before = await ls.read(networkId);
    const after = { ...before };
    if (ips) { for (const ip of ips) if (ip && after[ip] === owner) delete after[ip]; } else releaseOwner(after, owner);
    if (Object.keys(after).length !== Object.keys(before).length) await ls.commit(networkId, before, after);
  });
}

/**
 * Detaches the container from the named networks (all when omitted). Every
 * step is tried; the errors are reported together at the end.
 */
export async function disconnectEndpoint(paths: StatePaths, cfg: NetworkConfig, containerId: string, networks?: string[]): Promise<void> {
  assertContainerId(containerId);
  const store = new NetworkStore(paths);
  let changed = false;
  if (!networks?.length) {
    markDetaching(store, containerId);
    crashPoint('endpoint-marked');
    await dropHostVeths(store, containerId);
    crashPoint('endpoint-veths-dropped');
  }
  const detached = store.lock(async () => {
    const ep = store.endpoint(containerId);
    if (!ep) {
      if (networks?.length) throw new BerthError(`container ${containerId} is not attached to any network`);
      await repairOrphan(store, cfg, containerId);
      store.deleteEndpoint(containerId); // an unreadable record, if that is why there was none
      return;
    }
    const drop = networks?.length
      ? networks.map((ref) => {
        const a = ep.attachments.find((x) => x.network === ref || x.networkId === ref || (ref.length >= 3 && x.networkId.startsWith(ref)));
        if (!a) throw new BerthError(`container ${ep.name ?? containerId} is not attached to network ${ref}`);
        return a;
      })
      : ep.attachments;
    const ctx = driverContext(cfg, { paths });
    const errs: Error[] = [];
    const remaining = ep.attachments.filter((a) => !drop.includes(a));
    const ports = ep.ports.filter((p) => remaining.some((a) => a.networkId === p.network));
    try {
      if (ports.length) await ctx.firewall.publish(containerId, ports);
      else if (ep.ports.length) await ctx.firewall.unpublish(containerId);
    } catch (e) { errs.push(e as Error); }
    crashPoint('endpoint-unpublished');
    for (const a of drop) {
      const net = store.find(a.networkId);
      if (net) errs.push(...await driverFor(net.driver).detach(net, { netnsPath: ep.netnsPath, record: a, defaultRoute: false, endpoint: { containerId, dnsNames: ep.dnsNames } }, ctx));
      try {
        if (net) await unlease(store.leaseStore(net), a.networkId, containerId);
      } catch (e) { errs.push(e as Error); }
    }
    crashPoint('endpoint-detached');
    for (const a of drop) {
      const net = store.find(a.networkId);
      if (net) networkEvent(paths, 'disconnect', net, containerId);
    }
    if (remaining.length) store.saveEndpoint({ ...ep, attachments: remaining, ports });
    else store.deleteEndpoint(containerId);
    changed = true;
    return { name: ep.name ?? containerId, errs };
  });
  let done: { name: string; errs: Error[] } | undefined;
  try {
    done = await detached;
  } finally {
    // The records changed even when a step failed: the responder drops the names either way.
    if (changed) {
      try { await (await syncDns(store, cfg))(); } catch (e) { done?.errs.push(e as Error); }
    }
  }
  if (done?.errs.length) throw new BerthError(`disconnect ${done.name}: ${done.errs.map((e) => e.message).join('; ')}`);
}

/**
 * Before a full teardown: the record says it is being torn down. Not synced
 * (a killed command leaves the page cache; a power loss takes the veths and
 * the netns with it, which the start-time check sees anyway).
 */
function markDetaching(store: NetworkStore, containerId: string): void {
  const ep = store.endpoint(containerId);
  if (ep && !ep.detaching) store.saveEndpoint({ ...ep, detaching: true }, { durable: false });
}

/**
 * Whether the container's endpoint is whole as far as a cheap look can tell:
 * not left half torn down, and every host veth of a bridge attachment
 * present (a veth dies with its netns, so a netns made anew shows here too).
 */
export function endpointIntact(paths: StatePaths, ep: EndpointRecord): boolean {
  if (ep.detaching) return false;
  const store = new NetworkStore(paths);
  const veths = ep.attachments.filter((a) => ['bridge', 'overlay'].includes(store.find(a.networkId)?.driver ?? ''));
  if (veths.length === 0) return true;
  // Over netlink, not /sys/class/net: berth may run in a network namespace that /sys does not show.
  const links = hostLinkNames();
  return veths.every((a) => links.has(a.hostVeth));
}

/**
 * A full teardown first lets each driver drop the container's links outside
 * the store lock (the kernel takes ~20 ms per veth, and under the lock the
 * containers of one `down` would queue behind each other). The records and
 * leases still change under the lock, where the driver's detach then finds
 * nothing; a crash here leaves a record that the next teardown finishes.
 */
async function dropHostVeths(store: NetworkStore, containerId: string): Promise<void> {
  let pairs: Array<{ net: NetworkRecord; rec: AttachmentRecord }>;
  try {
    pairs = (store.endpoint(containerId)?.attachments ?? []).flatMap((rec) => {
      const net = store.find(rec.networkId);
      return net ? [{ net, rec }] : [];
    });
  } catch {
    return; // an unreadable record: the locked teardown reports it
  }
  // Errors are left for the locked detach to report.
  await Promise.all(pairs.map(({ net, rec }) => driverFor(net.driver).dropLinks?.(containerId, net, rec).catch(() => undefined)));
}

/** Publishes more ports for an attached container (conflicts checked first). */
export async function publishPorts(paths: StatePaths, cfg: Pick<NetworkConfig, 'nftTable'>, containerId: string, bindings: PortBinding[]): Promise<PublishedPort[]> {
  assertContainerId(containerId);
  const reqs = expandPorts(bindings);
  const store = new NetworkStore(paths);
  return store.lock(async () => {
    const ep = store.endpoint(containerId);
    if (!ep || !ep.attachments.length) throw new BerthError(`container ${containerId} is not attached to any network`);
    const nets = new Map(store.networks().map((n) => [n.id, n]));
    const target = ep.attachments.find((a) => !nets.get(a.networkId)?.internal) ?? ep.attachments[0]!;
    const taken = store.endpoints().flatMap((e) => e.ports);
    const got = await assignPorts(reqs, (r) => (r.hostIp.includes(':') && target.ipv6) ? target.ipv6 : target.ipv4 ?? target.ipv6!, target.networkId, taken);
    const ports = [...ep.ports, ...got];
    await driverContext(cfg, { paths }).firewall.publish(containerId, ports);
    store.saveEndpoint({ ...ep, ports });
    return got;
  });
}

export async function unpublishPorts(paths: StatePaths, cfg: Pick<NetworkConfig, 'nftTable'>, containerId: string): Promise<void> {
  assertContainerId(containerId);
  const store = new NetworkStore(paths);
  await store.lock(async () => {
    const ep = store.endpoint(containerId);
    await driverContext(cfg, { paths }).firewall.unpublish(containerId);
    if (ep) store.saveEndpoint({ ...ep, ports: [] });
  });
}

/** `berth port`: the host bindings of a container port (all of them when target is omitted). */
export function lookupPorts(paths: StatePaths, containerId: string, target?: number, protocol: 'tcp' | 'udp' = 'tcp'): PublishedPort[] {
  assertContainerId(containerId);
  const ep = new NetworkStore(paths).endpoint(containerId);
  if (!ep) throw new BerthError(`container ${containerId} has no network endpoint`);
  return ep.ports.filter((p) => target === undefined || (p.target === target && p.protocol === protocol));
}

/**
 * A crash between leasing and saving the endpoint record leaves leases, a
 * veth or DNAT rules without a record; they are named after the container,
 * so a later disconnect (e.g. from `down`) finds and removes them.
 */
async function repairOrphan(store: NetworkStore, cfg: Pick<NetworkConfig, 'nftTable'>, containerId: string): Promise<void> {
  const errs: Error[] = [];
  for (const net of store.networks()) {
    try { await unlease(store.leaseStore(net), net.id, containerId); } catch (e) { errs.push(e as Error); }
    errs.push(...await driverFor(net.driver).removeOrphan(containerId, net));
  }
  try { await driverContext(cfg, { paths: store.paths }).firewall.unpublish(containerId); } catch (e) { errs.push(e as Error); }
  if (errs.length) throw new BerthError(`cleanup of ${containerId}: ${errs.map((e) => e.message).join('; ')}`);
}

/**
 * A container was renamed: its endpoint carries the new name, and a DNS name
 * that was the old name becomes the new one (the responder answers by it).
 */
export async function renameEndpoint(paths: StatePaths, cfg: NetworkConfig, containerId: string, from: string, to: string): Promise<void> {
  assertContainerId(containerId);
  const store = new NetworkStore(paths);
  const dnsLoaded = await store.lock(async () => {
    const ep = store.endpoint(containerId);
    if (!ep) return undefined;
    store.saveEndpoint({ ...ep, name: to, dnsNames: ep.dnsNames.map((d) => (d === from ? to : d)) });
    return syncDnsDeferredFromStore(store, cfg);
  });
  await dnsLoaded?.();
}
