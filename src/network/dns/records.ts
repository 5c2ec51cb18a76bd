// What the DNS responder serves, derived from the network and endpoint
// records: one entry per container per network. Written by the API to
// <runtime>/dns/config.json; read by the server on every reload.
import type { EndpointRecord, NetworkRecord } from '../types.js';

export interface DnsEntry {
  containerId: string;
  names: string[];                       // lower-case: container name, service names, aliases, short id
  ipv4?: string;
  ipv6?: string;
  links: Array<{ alias: string; target: string }>;  // names only this container sees
}

export interface DnsNetwork {
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
      net.entries.push({ containerId: ep.containerId, names: [...names].filter(Boolean), ipv4: a.ipv4, ipv6: a.ipv6, links });
    }
  }
  return { generation, upstreams, networks: out };
}
