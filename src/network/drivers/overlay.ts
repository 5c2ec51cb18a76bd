// The overlay driver: a network that can span hosts. On each host it is a
// bridge (endpoints attach exactly as on a bridge network) plus one VXLAN
// device enslaved to it: UDP 4789, no learning (the forwarding database is
// written from the endpoint records, never learned from traffic), endpoint
// MTU 1450 so that the 50 bytes of VXLAN encapsulation fit a 1500 underlay.
// The VNI is allocated among this host's networks, or in etcd for a
// cluster's network (src/network/stores).
import { BerthError } from '../../errors.js';
import { fdbAppend, linkAdd, linkDelIfExists, linkList, linkSet, neighAdd, neighDel, neighList } from '../../native/netlink.js';
import type { NetworkRecord, NetworkSpec } from '../types.js';
import { BridgeDriver, opt } from './bridge.js';
import { type Attachment, type DriverContext, collectErrors, withRollback } from './driver.js';
import { leaveClusterNetwork } from '../stores/cluster-networks.js';
import { type ClusterEndpoint, publishEndpoint, withdrawEndpoint } from '../stores/cluster-endpoints.js';
import { sha256Hex } from '../../hashing.js';

const ZERO_MAC = '00:00:00:00:00:00';

const VXLAN_PORT = 4789;
const OVERLAY_MTU = 1450;
/** Automatic VNIs start here (below: left for hand-made tunnels); the 24-bit field ends at 2^24-1. */
export const VNI_FIRST = 4096;
export const VNI_LAST = 0xffffff;
const VNI_KEYS = ['vni', 'com.docker.network.driver.overlay.vxlanid_list'];

/** The vxlan device of a network: stable per network id, 15 chars. */
export function vxlanName(networkId: string): string {
  return `vx-${sha256Hex(networkId).slice(0, 12)}`;
}

export function requestedVni(spec: NetworkSpec): number | undefined {
  const v = opt(spec, VNI_KEYS);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > VNI_LAST) throw new BerthError(`network ${spec.name}: invalid VNI '${v}' (1-${VNI_LAST})`);
  return Number(v);
}

/** The lowest free VNI, or the requested one when free; a clash names the network that holds it. */
export function chooseVni(name: string, requested: number | undefined, taken: Map<number, string>): number {
  if (requested !== undefined) {
    const holder = taken.get(requested);
    if (holder !== undefined) throw new BerthError(`network ${name}: VNI ${requested} is already used by network ${holder}`);
    return requested;
  }
  for (let v = VNI_FIRST; v <= VNI_LAST; v++) if (!taken.has(v)) return v;
  throw new BerthError(`network ${name}: no free VNI left`);
}

export class OverlayDriver extends BridgeDriver {
  override readonly name = 'overlay';
  protected override readonly defaultMtu = OVERLAY_MTU;
  protected override readonly extraOptions = VNI_KEYS;

  override validate(spec: NetworkSpec): void {
    super.validate(spec);
    requestedVni(spec);
  }

  override describe(spec: NetworkSpec, id: string) {
    return { ...super.describe(spec, id), bridge: opt(spec, ['com.docker.network.bridge.name', 'bridge_name']) ?? `bo-${id.slice(0, 12)}` };
  }

  async allocate(n: NetworkRecord, spec: NetworkSpec, existing: NetworkRecord[]): Promise<void> {
    const want = requestedVni(spec);
    n.vxlan = vxlanName(n.id);
    if (n.cluster) return;  // the cluster's definition gave the VNI (src/network/stores/cluster-networks.ts)
    const taken = new Map(existing.filter((e) => e.vni !== undefined).map((e) => [e.vni!, e.name]));
    n.vni = chooseVni(n.name, want, taken);
  }

  async release(n: NetworkRecord): Promise<void> {
    if (n.cluster) await leaveClusterNetwork(n.cluster, n);
  }

  override async attach(n: NetworkRecord, a: Attachment, ctx: DriverContext): Promise<void> {
    await withRollback([
      { run: () => super.attach(n, a, ctx), undo: () => super.detach(n, a, ctx) },
      { run: async () => {
        if (!n.cluster || !a.endpoint) return;
        if (!ctx.membership) throw new BerthError(`network ${n.name} belongs to a cluster this node has left (berth node join)`);
        await publishEndpoint(ctx.membership, n, a.endpoint, a.record);
      } },
    ]);
  }

  override async detach(n: NetworkRecord, a: Attachment, ctx: DriverContext): Promise<Error[]> {
    return [
      ...(await super.detach(n, a, ctx)),
      ...(await collectErrors([() => (n.cluster && a.endpoint ? withdrawEndpoint(n.cluster, n.id, a.endpoint.containerId) : undefined)])),
    ];
  }

  override async removeOrphan(containerId: string, n: NetworkRecord): Promise<Error[]> {
    return [...(await super.removeOrphan(containerId, n)), ...(await collectErrors([() => (n.cluster ? withdrawEndpoint(n.cluster, n.id, containerId) : undefined)]))];
  }

  override async setup(n: NetworkRecord, ctx: DriverContext): Promise<void> {
    if (n.vni === undefined || !n.vxlan) throw new BerthError(`network ${n.name}: overlay record without a VNI`);
    if (linkList(null).some((l) => l.name === n.vxlan)) throw new BerthError(`network ${n.name}: a link named ${n.vxlan} already exists on the host`);
    await withRollback([
      { run: () => super.setup(n, ctx), undo: () => super.teardown(n, ctx) },
      { run: () => this.addVxlan(n), undo: () => linkDelIfExists(null, n.vxlan!) },
    ]);
  }

  /**
   * The vxlan device alone (setup, or a repair when the bridge survived and the device did not).
   * Every node's bridge carries the gateway address: neigh_suppress on the vxlan port keeps ARP
   * for it on the node, so a container's gateway is always its own node's bridge.
   */
  addVxlan(n: NetworkRecord): void {
    linkAdd(null, {
      name: n.vxlan!, kind: 'vxlan', mtu: n.mtu, master: n.bridge, up: true,
      vxlan: { id: n.vni!, port: VXLAN_PORT, learning: false, ...(n.cluster ? { local: n.cluster.vtep } : {}) },
    });
    linkSet(null, n.vxlan!, { neighSuppress: true });
  }

  override async teardown(n: NetworkRecord, ctx: DriverContext): Promise<Error[]> {
    const errs = await collectErrors([() => { if (n.vxlan) linkDelIfExists(null, n.vxlan); }]);
    return [...errs, ...(await super.teardown(n, ctx))];
  }

  /**
   * Writes the forwarding database of the vxlan device from the cluster's
   * records: the all-zero MAC floods (broadcast, ARP) to every other node
   * using the network, and each remote endpoint's MAC goes to its node.
   * Entries that are no longer wanted are deleted; returns the errors.
   */
  async syncForwarding(n: NetworkRecord, remote: ClusterEndpoint[], vteps: string[]): Promise<Error[]> {
    const dev = n.vxlan!;
    const cur = neighList(null, { fdb: true, dev }).filter((e) => e.permanent && e.dst);
    const steps: Array<() => unknown> = [];
    const haveZero = new Set(cur.filter((e) => e.mac === ZERO_MAC).map((e) => e.dst!));
    for (const v of vteps) if (!haveZero.has(v)) steps.push(() => fdbAppend(null, { dev, mac: ZERO_MAC, dst: v }));
    for (const v of haveZero) if (!vteps.includes(v)) steps.push(() => neighDel(null, { dev, mac: ZERO_MAC, fdb: true, dst: v }));
    const want = new Map(remote.filter((e) => e.mac).map((e) => [e.mac, e.vtep]));
    const have = new Map(cur.filter((e) => e.mac !== ZERO_MAC).map((e) => [e.mac, e.dst!]));
    for (const [mac, vtep] of want) if (have.get(mac) !== vtep) steps.push(() => neighAdd(null, { dev, mac, fdb: true, dst: vtep }));
    for (const [mac, vtep] of have) if (!want.has(mac)) steps.push(() => neighDel(null, { dev, mac, fdb: true, dst: vtep }));
    return collectErrors(steps);
  }
}
