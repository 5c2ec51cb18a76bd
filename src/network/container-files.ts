// The three generated files of one attached container, from its endpoint
// record: resolv.conf points at berth's DNS on the first network's gateway,
// /etc/hosts names the container's own addresses, plus extra_hosts.
import { readFileSync } from 'node:fs';
import type { StatePaths } from '../state/paths.js';
import { NetworkStore } from './store.js';
import { hostnameFile, hostsFile, parseExtraHosts, resolvConf } from './dns/files.js';

export interface ContainerDnsOptions {
  hostname: string;
  domainname?: string;
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  extra_hosts?: string[] | Record<string, string | string[]>;
  hostResolvConf?: string;     // default: the host's /etc/resolv.conf
}

export interface ContainerFiles { resolvConf: string; hosts: string; hostname: string }

export function containerFiles(paths: StatePaths, containerId: string, o: ContainerDnsOptions): ContainerFiles {
  const ep = new NetworkStore(paths).endpoint(containerId);
  const atts = ep?.attachments ?? [];
  let host = o.hostResolvConf;
  if (host === undefined) { try { host = readFileSync('/etc/resolv.conf', 'utf8'); } catch { host = ''; } }
  const gateway = atts[0]?.gateway4 ?? atts[0]?.gateway6;
  return {
    resolvConf: resolvConf({ nameservers: gateway ? [gateway] : [], dns: o.dns, dnsSearch: o.dns_search, dnsOpt: o.dns_opt, hostResolvConf: host }),
    hosts: hostsFile({
      hostname: o.hostname, domainname: o.domainname,
      addresses: atts.flatMap((a) => [a.ipv4, a.ipv6]).filter((x): x is string => !!x),
      extraHosts: parseExtraHosts(o.extra_hosts, gateway),
      ipv6: true,
    }),
    hostname: hostnameFile(o.hostname),
  };
}
