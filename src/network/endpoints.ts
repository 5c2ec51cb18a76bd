// Container endpoints: attach a container's netns to networks (addresses from
// IPAM, veth per network, default route), publish its ports, keep DNS in
// step; and the reverse. Everything is checked before the kernel is touched.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { driverFor } from './drivers/registry.js';
import { IFNAME } from './drivers/bridge.js';
import { contains, formatIp, parseCidr, parseIp } from './ipam/cidr.js';
import { lease, releaseOwner } from './ipam/ipam.js';
import { assignPorts, expandPorts, normalizeExpose } from './ports.js';
import { NetworkStore, assertContainerId, type Leases } from './store.js';
import { driverContext, syncDnsDeferredFromStore } from './networks.js';
import { collectErrors, withRollback } from './drivers/driver.js';
import { linkDelIfExists } from '../native/netlink.js';
import { crashPoint } from '../state/crash.js';
import { linkDelIfExistsAsync } from '../native/netlink-async.js';
import type { AttachmentRecord, EndpointRecord, EndpointRequest, NetworkRecord, PortBinding, PublishedPort } from './types.js';

/** Host-side veth name: stable per (container, network), 14 chars. */
export function hostVethName(containerId: string, networkId: string): string {
  return `vb${createHash('sha256').update(`${containerId}/${networkId}`).digest('hex').slice(0, 12)}`;
}

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

/** Attaches the container to its networks and publishes its ports. Returns the endpoint record. */
export async function connectEndpoint(paths: StatePaths, req: EndpointRequest): Promise<EndpointRecord> {
  assertContainerId(req.containerId);
  if (!req.netnsPath.startsWith('/') || !existsSync(req.netnsPath)) throw new BerthError(`network namespace ${req.netnsPath} does not exist`);
  if (!req.networks.length && !(req.ports ?? []).length) throw new BerthError('connect: no network given');
  const portReqs = expandPorts(req.ports ?? []);
  const expose = normalizeExpose(req.expose);
  const store = new NetworkStore(paths);
  // The DNS responder's reload is waited for after the lock is released, so
  // the containers of one `up` attach one after another without that wait.
  const { ep, dnsLoaded } = await store.lock(async () => {
    const prev = store.endpoint(req.containerId);
    if (prev && prev.netnsPath !== req.netnsPath) throw new BerthError(`container ${req.containerId} is attached with another network namespace (${prev.netnsPath})`);
    const ep: EndpointRecord = prev ? structuredClone(prev) : {
      containerId: req.containerId, name: req.name, netnsPath: req.netnsPath,
      dnsNames: [...new Set(req.dnsNames ?? [])], attachments: [], ports: [], expose: [],
    };
    ep.expose = [...new Set([...ep.expose, ...expose])];
    const used = new Set(ep.attachments.map((a) => a.interface));
    const ordered = [...req.networks].map((n, i) => ({ n, i }))
      .sort((a, b) => (b.n.priority ?? 0) - (a.n.priority ?? 0) || a.i - b.i).map((x) => x.n);
    const leaseBook = new Map<string, Leases>();
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
      const leases = leaseBook.get(net.id) ?? store.leases(net.id);
      // Without a record, leases in this container's name are leftovers of a crash: reuse them.
      const leftovers = !prev && !leaseBook.has(net.id) ? releaseOwner(leases, req.containerId) : [];
      leaseBook.set(net.id, leases);
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
    const taken = store.endpoints().filter((e) => e.containerId !== req.containerId).flatMap((e) => e.ports);
    const published = portReqs.length
      ? await assignPorts(portReqs, (r) => (r.hostIp.includes(':') && target!.ipv6) ? target!.ipv6 : target!.ipv4 ?? target!.ipv6!, target!.networkId, [...taken, ...ep.ports])
      : [];
    // The default route: highest gw_priority among non-internal networks, then the first in order.
    const hasDefault = ep.attachments.some((a) => !nets.get(a.networkId)?.internal);
    const candidates = added.filter((a) => !a.net.internal);
    const best = Math.max(...candidates.map((a) => a.rec.gwPriority ?? 0));
    const defaultNet = hasDefault ? undefined : candidates.find((a) => (a.rec.gwPriority ?? 0) === best)?.net.id;
    const ctx = driverContext();
    await withRollback([
      { run: () => Promise.all([...leaseBook].map(([id, l]) => store.saveLeasesAsync(id, l))),
        undo: () => { for (const a of added) unlease(store, a.net.id, req.containerId, [a.rec.ipv4, a.rec.ipv6]); } },
      ...added.map((a) => ({
        run: () => driverFor(a.net.driver).attach(a.net, { netnsPath: req.netnsPath, record: a.rec, defaultRoute: a.net.id === defaultNet }, ctx),
        undo: () => driverFor(a.net.driver).detach(a.net, { netnsPath: req.netnsPath, record: a.rec, defaultRoute: false }, ctx),
      })),
      { run: async () => {
        ep.attachments.push(...added.map((a) => a.rec));
        ep.ports.push(...published);
        if (published.length) await ctx.firewall.publish(req.containerId, ep.ports);
      }, undo: () => (prev?.ports.length ? ctx.firewall.publish(req.containerId, prev.ports) : ctx.firewall.unpublish(req.containerId)) },
      { run: () => store.saveEndpointAsync(ep) },
    ]);
    return { ep, dnsLoaded: await syncDnsDeferredFromStore(store) };
  });
  await dnsLoaded();
  return ep;
}

/** Returns the given addresses of one network to the pool (rollback of a failed attach). */
function unlease(store: NetworkStore, networkId: string, owner: string, ips: Array<string | undefined>): void {
  const l = store.leases(networkId);
  for (const ip of ips) if (ip && l[ip] === owner) delete l[ip];
  store.saveLeases(networkId, l);
}

/**
 * Detaches the container from the named networks (all when omitted). Every
 * step is tried; the errors are reported together at the end.
 */
export async function disconnectEndpoint(paths: StatePaths, containerId: string, networks?: string[]): Promise<void> {
  assertContainerId(containerId);
  const store = new NetworkStore(paths);
  let dnsLoaded = async (): Promise<void> => {};
  if (!networks?.length) {
    markDetaching(store, containerId);
    crashPoint('endpoint-marked');
    await dropHostVeths(store, containerId);
    crashPoint('endpoint-veths-dropped');
  }
  await store.lock(async () => {
    const ep = store.endpoint(containerId);
    if (!ep) {
      if (networks?.length) throw new BerthError(`container ${containerId} is not attached to any network`);
      await repairOrphan(store, containerId);
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
    const ctx = driverContext();
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
      if (net) errs.push(...await driverFor(net.driver).detach(net, { netnsPath: ep.netnsPath, record: a, defaultRoute: false }, ctx));
      try {
        const l = store.leases(a.networkId);
        releaseOwner(l, containerId);
        if (net) store.saveLeases(a.networkId, l);
      } catch (e) { errs.push(e as Error); }
    }
    crashPoint('endpoint-detached');
    if (remaining.length) store.saveEndpoint({ ...ep, attachments: remaining, ports });
    else store.deleteEndpoint(containerId);
    try { dnsLoaded = await syncDnsDeferredFromStore(store); } catch (e) { errs.push(e as Error); }
    if (errs.length) throw new BerthError(`disconnect ${ep.name ?? containerId}: ${errs.map((e) => e.message).join('; ')}`);
  });
  await dnsLoaded();
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
  return ep.attachments.every((a) => store.find(a.networkId)?.driver !== 'bridge' || existsSync(`/sys/class/net/${a.hostVeth}`));
}

/**
 * A full teardown deletes the container's host veths first, outside the
 * store lock and off the JS thread: the kernel takes ~20 ms per veth, and
 * under the lock the containers of one `down` would queue behind each other.
 * The names are the container's own, so nothing else races for them; the
 * records and leases still change under the lock (where the driver's
 * delete then finds nothing), and a crash here leaves a record that the next
 * teardown finishes.
 */
async function dropHostVeths(store: NetworkStore, containerId: string): Promise<void> {
  let veths: string[];
  try {
    veths = (store.endpoint(containerId)?.attachments ?? [])
      .filter((a) => store.find(a.networkId)?.driver === 'bridge' && a.hostVeth === hostVethName(containerId, a.networkId))
      .map((a) => a.hostVeth);
  } catch {
    return; // an unreadable record: the locked teardown reports it
  }
  // Errors are left for the locked detach to report.
  await Promise.all(veths.map((v) => linkDelIfExistsAsync(null, v).catch(() => undefined)));
}

/** Publishes more ports for an attached container (conflicts checked first). */
export async function publishPorts(paths: StatePaths, containerId: string, bindings: PortBinding[]): Promise<PublishedPort[]> {
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
    await driverContext().firewall.publish(containerId, ports);
    store.saveEndpoint({ ...ep, ports });
    return got;
  });
}

export async function unpublishPorts(paths: StatePaths, containerId: string): Promise<void> {
  assertContainerId(containerId);
  const store = new NetworkStore(paths);
  await store.lock(async () => {
    const ep = store.endpoint(containerId);
    await driverContext().firewall.unpublish(containerId);
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

export function getEndpoint(paths: StatePaths, containerId: string): EndpointRecord | undefined {
  assertContainerId(containerId);
  return new NetworkStore(paths).endpoint(containerId);
}

/**
 * A crash between leasing and saving the endpoint record leaves leases, a
 * veth or DNAT rules without a record; they are named after the container,
 * so a later disconnect (e.g. from `down`) finds and removes them.
 */
async function repairOrphan(store: NetworkStore, containerId: string): Promise<void> {
  const errs: Error[] = [];
  for (const net of store.networks()) {
    const l = store.leases(net.id);
    if (releaseOwner(l, containerId).length) store.saveLeases(net.id, l);
    errs.push(...await collectErrors([() => linkDelIfExists(null, hostVethName(containerId, net.id))]));
  }
  try { await driverContext().firewall.unpublish(containerId); } catch (e) { errs.push(e as Error); }
  if (errs.length) throw new BerthError(`cleanup of ${containerId}: ${errs.map((e) => e.message).join('; ')}`);
}
