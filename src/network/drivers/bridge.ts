// The bridge driver: one Linux bridge per network with the gateway
// address(es) on it, one veth pair per endpoint (host side enslaved to the
// bridge, container side created directly inside the container's netns under
// its final name), the firewall's masquerade/isolation rules.
import { BerthError } from '../../errors.js';
import { addrAdd, linkAdd, linkDelIfExists, linkList, linkSet, routeAdd } from '../../native/netlink.js';
import { linkDelIfExistsAsync } from '../../native/netlink-async.js';
import { sysctlWrite } from '../../native/netns.js';
import type { AttachmentRecord, NetworkRecord, NetworkSpec } from '../types.js';
import { parseCidr } from '../ipam/cidr.js';
import { type Attachment, type DriverContext, type NetworkDriver, collectErrors, withRollback } from './driver.js';
import { randomHex, sha256Hex } from '../../hashing.js';

export const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** Host-side veth name: stable per (container, network), 14 chars. */
export function hostVethName(containerId: string, networkId: string): string {
  return `vb${sha256Hex(`${containerId}/${networkId}`).slice(0, 12)}`;
}
const MTU_KEYS = ['com.docker.network.driver.mtu', 'mtu'];
const NAME_KEYS = ['com.docker.network.bridge.name', 'bridge_name'];

export function opt(spec: NetworkSpec, keys: string[]): string | undefined {
  for (const k of keys) if (spec.driver_opts?.[k] !== undefined) return String(spec.driver_opts[k]);
  return undefined;
}

function prefixOf(subnet: string): number {
  return parseCidr(subnet).prefix;
}

/**
 * A bridge's own MAC, fixed when it is made (as dockerd does). Without one a
 * Linux bridge takes the lowest MAC among its ports, so it changes whenever a
 * container's veth comes or goes: the containers still running keep the old
 * gateway MAC in their ARP caches and lose the gateway (and the DNS responder
 * on it) for seconds, as seen after an `up` re-attached a container that a
 * killed `down` had half torn down. Random (per node, for an overlay's
 * bridges), locally administered, unicast; its first octet 06 never meets a
 * container's 02:42:<IPv4>.
 */
function bridgeMac(): string {
  return `06:${randomHex(5).replace(/(..)(?!$)/g, '$1:')}`;
}

export class BridgeDriver implements NetworkDriver {
  readonly name: string = 'bridge';
  protected readonly defaultMtu: number = 1500;
  /** Driver options a subclass understands besides the bridge's. */
  protected readonly extraOptions: string[] = [];

  validate(spec: NetworkSpec): void {
    const mtu = opt(spec, MTU_KEYS);
    if (mtu !== undefined && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535)) {
      throw new BerthError(`network ${spec.name}: invalid MTU '${mtu}' (68-65535)`);
    }
    const br = opt(spec, NAME_KEYS);
    if (br !== undefined && !IFNAME.test(br)) throw new BerthError(`network ${spec.name}: invalid bridge name '${br}' (1-15 of A-Z a-z 0-9 _ . -)`);
    const known = new Set([...MTU_KEYS, ...NAME_KEYS, ...this.extraOptions]);
    for (const k of Object.keys(spec.driver_opts ?? {})) {
      // Docker's other bridge options are accepted and ignored, like unknown ones in Compose.
      if (!known.has(k) && !k.startsWith('com.docker.network.')) throw new BerthError(`network ${spec.name}: unknown ${this.name} driver option '${k}'`);
    }
  }

  describe(spec: NetworkSpec, id: string) {
    const mtu = Number(opt(spec, MTU_KEYS) ?? this.defaultMtu);
    const bridge = opt(spec, NAME_KEYS) ?? `br-${id.slice(0, 12)}`;
    return { bridge, mtu, options: { ...(spec.driver_opts ?? {}) } };
  }

  async setup(n: NetworkRecord, ctx: DriverContext): Promise<void> {
    if (linkList(null).some((l) => l.name === n.bridge)) throw new BerthError(`network ${n.name}: a link named ${n.bridge} already exists on the host`);
    await withRollback([
      { run: () => linkAdd(null, { name: n.bridge, kind: 'bridge', mtu: n.mtu, up: true, mac: bridgeMac() }), undo: () => linkDelIfExists(null, n.bridge) },
      ...n.subnets.map((s) => ({ run: () => addrAdd(null, n.bridge, `${s.gateway}/${prefixOf(s.subnet)}`, { nodad: s.family === 6 }) })),
      // DNAT from 127.0.0.1 sends packets with a loopback source out of the bridge (a '.' in a name is '/' in /proc/sys).
      { run: () => sysctlWrite(null, `net/ipv4/conf/${n.bridge.replace(/\./g, '/')}/route_localnet`, '1') },
      { run: () => { if (!n.internal) sysctlWrite(null, 'net/ipv4/ip_forward', '1'); } },
      { run: () => { if (!n.internal && n.enableIpv6) sysctlWrite(null, 'net/ipv6/conf/all/forwarding', '1'); } },
      { run: () => ctx.firewall.setupNetwork(n, { fresh: ctx.fresh }), undo: () => ctx.firewall.teardownNetwork(n) },
    ]);
  }

  async teardown(n: NetworkRecord, ctx: DriverContext): Promise<Error[]> {
    const errs = await ctx.firewall.teardownNetwork(n);
    // Ports left on the bridge (an endpoint whose record was lost in a crash) go with it.
    const strays = () => {
      const br = linkList(null).find((l) => l.name === n.bridge);
      if (br) for (const l of linkList(null)) if (l.master === br.index && l.kind === 'veth') linkDelIfExists(null, l.name);
    };
    return [...errs, ...(await collectErrors([strays, () => linkDelIfExists(null, n.bridge)]))];
  }

  async attach(n: NetworkRecord, a: Attachment, _ctx: DriverContext): Promise<void> {
    const r = a.record;
    const ns = a.netnsPath;
    // A veth of this (container, network) pair can only be a crash leftover.
    linkDelIfExists(null, r.hostVeth);
    await withRollback([
      {
        run: () => linkAdd(null, {
          name: r.hostVeth, kind: 'veth', mtu: n.mtu, master: n.bridge, up: true,
          peer: { name: r.interface, netns: ns, mtu: n.mtu, ...(r.mac ? { mac: r.mac } : {}) },
        }),
        undo: () => linkDelIfExists(null, r.hostVeth),
      },
      // Hairpin: a container reaching its own published port comes back through its own port.
      { run: () => linkSet(null, r.hostVeth, { hairpin: true }) },
      { run: () => { if (r.ipv4) addrAdd(ns, r.interface, `${r.ipv4}/${r.prefix4}`); } },
      { run: () => { if (r.ipv6) addrAdd(ns, r.interface, `${r.ipv6}/${r.prefix6}`, { nodad: true }); } },
      { run: () => { for (const ll of r.linkLocalIps ?? []) addrAdd(ns, r.interface, ll, { nodad: ll.includes(':') }); } },
      { run: () => linkSet(ns, r.interface, { up: true }) },
      { run: () => { if (a.defaultRoute && r.gateway4) routeAdd(ns, { dst: 'default', gateway: r.gateway4 }); } },
      { run: () => { if (a.defaultRoute && r.gateway6) routeAdd(ns, { dst: 'default6', gateway: r.gateway6 }); } },
      { run: () => { r.mac = linkList(ns).find((l) => l.name === r.interface)?.mac ?? r.mac; } },
    ]);
  }

  async detach(_n: NetworkRecord, a: Attachment, _ctx: DriverContext): Promise<Error[]> {
    // Deleting the host side deletes the container side with it.
    return collectErrors([() => linkDelIfExists(null, a.record.hostVeth)]);
  }

  async dropLinks(containerId: string, n: NetworkRecord, a: AttachmentRecord): Promise<void> {
    // Only a name of our own scheme: the container's, so nothing else races for it.
    if (a.hostVeth === hostVethName(containerId, n.id)) await linkDelIfExistsAsync(null, a.hostVeth);
  }

  async removeOrphan(containerId: string, n: NetworkRecord): Promise<Error[]> {
    return collectErrors([() => linkDelIfExists(null, hostVethName(containerId, n.id))]);
  }
}
