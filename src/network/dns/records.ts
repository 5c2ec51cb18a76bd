// What the DNS responder serves, derived from the network and endpoint
// records: one entry per container per network. Written by the API to
// <runtime>/dns/config.json (for tools and tests) and, as the line format the
// native responder reads (native/dns/config.c), to config.txt.
import { ipFamily } from '../ipam/cidr.js';
import type { EndpointRecord, NetworkRecord } from '../types.js';

interface DnsEntry {
  containerId: string;
  names: string[];                       // lower-case: container name, service names, aliases, short id
  ipv4?: string;
  ipv6?: string;
  links: Array<{ alias: string; target: string }>;  // names only this container sees
  upstreams?: string[];                  // the container's own (Compose `dns`), tried instead of the global ones
}

interface DnsNetwork {
  id: string;
  name: string;
  gateways: string[];
  internal: boolean;
  entries: DnsEntry[];
}

export interface DnsConfig {
  generation: number;
  upstreams: string[];                   // "ip" or "ip:port" or "[v6]:port"
  networks: DnsNetwork[];
}

const norm = (n: string): string => n.trim().toLowerCase().replace(/\.$/, '');

export function buildDnsConfig(networks: NetworkRecord[], endpoints: EndpointRecord[], upstreams: string[], generation: number): DnsConfig {
  const out: DnsNetwork[] = networks.map((n) => ({
    id: n.id, name: n.name, internal: n.internal,
    gateways: n.subnets.map((s) => s.gateway),
    entries: [],
  }));
  const byId = new Map(out.map((n) => [n.id, n]));
  for (const ep of endpoints) {
    for (const a of ep.attachments) {
      const net = byId.get(a.networkId);
      if (!net) continue;
      const names = new Set<string>();
      if (ep.name) names.add(norm(ep.name));
      for (const d of ep.dnsNames) names.add(norm(d));
      for (const al of a.aliases) names.add(norm(al));
      if (/^[0-9a-f]{12,}$/.test(ep.containerId)) names.add(ep.containerId.slice(0, 12));
      const links = a.links.map((l) => {
        const [target, alias] = l.split(':');
        return { alias: norm(alias ?? target!), target: norm(target!) };
      });
      net.entries.push({
        containerId: ep.containerId, names: [...names].filter(Boolean), ipv4: a.ipv4, ipv6: a.ipv6, links,
        ...(ep.dnsServers?.length ? { upstreams: [...ep.dnsServers] } : {}),
      });
    }
  }
  return { generation, upstreams, networks: out };
}

/** An upstream as "ip", "ip:port" or "[v6]:port" → [ip, port]; undefined if not an IP address. */
export function parseUpstream(u: string): [string, number] | undefined {
  const m = /^\[(.+)\]:(\d+)$/.exec(u) ?? /^([^:]+):(\d+)$/.exec(u);
  const [host, port] = m ? [m[1]!, Number(m[2])] : [u.replace(/^\[(.*)\]$/, '$1'), 53];
  return ipFamily(host) && port >= 1 && port <= 65535 ? [host, port] : undefined;
}

/** A token of the line format: no whitespace or control characters inside. */
const token = (s: string): string | undefined => (s && !/[\s\x00-\x1f\x7f]/.test(s) ? s : undefined);

/** DnsConfig in the responder's line format (see native/dns/config.c). */
export function dnsConfigText(cfg: DnsConfig): string {
  const lines = ['berth-dns-config 1', `generation ${cfg.generation}`];
  for (const u of cfg.upstreams) {
    const p = parseUpstream(u);
    if (p) lines.push(`upstream ${p[0]} ${p[1]}`);
  }
  for (const n of cfg.networks) {
    lines.push(`network ${token(n.id) ?? '-'} ${n.internal ? 1 : 0}`);
    for (const g of n.gateways) if (ipFamily(g)) lines.push(`gateway ${g}`);
    for (const e of n.entries) {
      const v4 = e.ipv4 && ipFamily(e.ipv4) === 4 ? e.ipv4 : '-', v6 = e.ipv6 && ipFamily(e.ipv6) === 6 ? e.ipv6 : '-';
      lines.push(`entry ${(token(e.containerId) ?? encodeURIComponent(e.containerId)) || '-'} ${v4} ${v6}`);
      for (const name of e.names) if (token(name)) lines.push(`name ${name}`);
      for (const l of e.links) if (token(l.alias) && token(l.target)) lines.push(`link ${l.alias} ${l.target}`);
      for (const u of e.upstreams ?? []) {
        const p = parseUpstream(u);
        if (p) lines.push(`forward ${p[0]} ${p[1]}`);
      }
    }
  }
  lines.push('end');
  return lines.join('\n') + '\n';
}
