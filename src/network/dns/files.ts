// Generated per-container files: /etc/resolv.conf, /etc/hosts, /etc/hostname.
// Pure functions; the container layer writes them into the bundle.
import { ipFamily } from '../ipam/cidr.js';
import { BerthError } from '../../errors.js';

export interface ResolvInput {
  nameservers: string[];        // berth DNS (the gateways) for containers on berth networks
  dns?: string[];               // Compose `dns`: the responder forwards to these; without berth DNS they are the nameservers
  dnsSearch?: string[];         // Compose `dns_search`
  dnsOpt?: string[];            // Compose `dns_opt`
  hostResolvConf?: string;      // the host's file: search/options are inherited when not given
}

function hostLines(text: string | undefined, key: string): string[] {
  return (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`))
    .flatMap((l) => l.split(/\s+/).slice(1));
}

/**
 * The container's resolv.conf. On berth networks, as Docker does with its
 * embedded resolver on user-defined networks: the responder is the only
 * nameserver (service names keep resolving), `dns` servers are where it
 * forwards other names for this container (named in an ExtServers comment),
 * and `options ndots:0` is added unless an ndots option is given, so that
 * single-label service names are asked as they are, never with a search
 * suffix first.
 */
export function resolvConf(i: ResolvInput): string {
  for (const s of i.dns ?? []) if (!ipFamily(s)) throw new BerthError(`dns: invalid nameserver address '${s}'`);
  const embedded = i.nameservers.length > 0;
  const servers = embedded ? i.nameservers : i.dns && i.dns.length ? i.dns
    : hostLines(i.hostResolvConf, 'nameserver').filter((s) => !s.startsWith('127.') && s !== '::1');
  for (const s of servers) if (!ipFamily(s)) throw new BerthError(`dns: invalid nameserver address '${s}'`);
  const search = i.dnsSearch ?? hostLines(i.hostResolvConf, 'search');
  const opts = [...(i.dnsOpt ?? hostLines(i.hostResolvConf, 'options'))];
  for (const s of [...search, ...opts]) if (/\s/.test(s)) throw new BerthError(`dns: invalid entry '${s}'`);
  if (embedded && !opts.some((o) => o === 'ndots' || o.startsWith('ndots:'))) opts.push('ndots:0');
  const lines = servers.map((s) => `nameserver ${s}`);
  if (search.length) lines.push(`search ${search.join(' ')}`);
  if (opts.length) lines.push(`options ${opts.join(' ')}`);
  if (embedded && i.dns?.length) lines.push('', `# ExtServers: [${i.dns.join(' ')}]`);
  return lines.join('\n') + '\n';
}

/** Compose `extra_hosts`: ["name:ip", "name=ip"] or {name: ip | ip[]}; "host-gateway" maps to hostGateway. */
export function parseExtraHosts(extra: string[] | Record<string, string | string[]> | undefined, hostGateway?: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(extra)) {
    for (const e of extra) {
      const m = /^([^:=\s]+)[:=](.+)$/.exec(e.trim());
      if (!m) throw new BerthError(`extra_hosts: invalid entry '${e}' (want name:ip)`);
      pairs.push([m[1]!, m[2]!.replace(/^\[(.*)\]$/, '$1')]);
    }
  } else if (extra) {
    for (const [k, v] of Object.entries(extra)) for (const ip of Array.isArray(v) ? v : [v]) pairs.push([k, ip]);
  }
  return pairs.map(([name, ip]) => {
    const addr = ip === 'host-gateway' ? hostGateway : ip;
    if (!addr || !ipFamily(addr)) throw new BerthError(`extra_hosts: invalid address '${ip}' for ${name}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new BerthError(`extra_hosts: invalid host name '${name}'`);
    return [name, addr];
  });
}

export interface HostsInput {
  hostname: string;
  domainname?: string;
  addresses: string[];          // the container's own addresses (first network first)
  aliases?: string[];           // extra names for its own addresses
  extraHosts?: Array<[string, string]>;
  ipv6?: boolean;
}

export function hostsFile(i: HostsInput): string {
  const lines = ['127.0.0.1\tlocalhost'];
  if (i.ipv6 !== false) lines.push('::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters');
  for (const [name, ip] of i.extraHosts ?? []) lines.push(`${ip}\t${name}`);
  const names = [i.domainname ? `${i.hostname}.${i.domainname} ${i.hostname}` : i.hostname, ...(i.aliases ?? [])].join(' ');
  for (const a of i.addresses) lines.push(`${a}\t${names}`);
  return lines.join('\n') + '\n';
}

export function hostnameFile(hostname: string): string {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(hostname)) throw new BerthError(`invalid hostname '${hostname}'`);
  return `${hostname}\n`;
}
