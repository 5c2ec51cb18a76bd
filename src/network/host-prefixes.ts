// What the host already routes or addresses, for IPAM: automatic subnets skip
// every such prefix (docker0's 172.17.0.0/16, podman's, VPN routes in their
// own tables, an address on a link that is down and so has no route), and an
// explicit subnet that overlaps one is refused, naming the route or interface.
import { addrList, linkList, routeList } from '../native/netlink.js';

/** A prefix in use on the host and how it is used, e.g. "route 172.17.0.0/16 dev docker0". */
export interface HostPrefix { cidr: string; where: string }

const RT_TABLE_LOCAL = 255;
const RTN_UNICAST = 1;

export function hostPrefixes(): HostPrefix[] {
  const names = new Map(linkList(null).map((l) => [l.index, l.name]));
  const dev = (i?: number) => (i && names.get(i) ? ` dev ${names.get(i)}` : '');
  const out: HostPrefix[] = [];
  for (const f of [4, 6] as const) {
    for (const r of routeList(null, f)) {
      // Every table but local (its entries are the host's own addresses, listed below); not default routes.
      if (r.table === RT_TABLE_LOCAL || r.prefixLen === 0 || r.type !== RTN_UNICAST) continue;
      if (f === 6 && r.dst.startsWith('fe80')) continue;
      out.push({ cidr: `${r.dst}/${r.prefixLen}`, where: `route ${r.dst}/${r.prefixLen}${dev(r.oif)}${r.table !== 254 ? ` (table ${r.table})` : ''}` });
    }
  }
  for (const a of addrList(null)) {
    if (a.family === 6 && a.address.toLowerCase().startsWith('fe80')) continue;
    out.push({ cidr: `${a.address}/${a.prefixLen}`, where: `address ${a.address}/${a.prefixLen}${dev(a.index)}` });
  }
  return out;
}
