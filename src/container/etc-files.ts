// The per-container /etc/hostname, /etc/hosts and /etc/resolv.conf, written
// beside the record and bind-mounted, as Docker does. The network layer
// passes the contents; defaults are generated when it does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic.js';
import type { ContainerSpecInput } from './types.js';

function defaultHosts(hostname: string, domainname?: string): string {
  const fqdn = domainname ? `${hostname}.${domainname} ${hostname}` : hostname;
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    `127.0.1.1\t${fqdn}`,
    '',
  ].join('\n');
}

function hostFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface EtcFilePlan {
  /** Host paths to bind-mount. */
  paths: { hosts?: string; resolvConf?: string; hostname?: string };
  /** What to write where. */
  writes: Array<[path: string, text: string]>;
}

/** The files for `dir` and their contents, without writing them. */
export function planEtcFiles(dir: string, input: ContainerSpecInput, hostname: string): EtcFilePlan {
  const given = input.etcFiles ?? {};
  const hostMode = input.network.mode === 'host';
  const files: Record<'hosts' | 'resolvConf' | 'hostname', string | undefined> = {
    hostname: given.hostname ?? `${hostname}\n`,
    hosts: given.hosts ?? (hostMode ? hostFile('/etc/hosts') : undefined) ?? defaultHosts(hostname, input.domainname),
    // Without one from the network layer, keep the host's resolver config (as Docker does when it has no better one).
    resolvConf: given.resolvConf ?? hostFile('/etc/resolv.conf'),
  };
  const names = { hostname: 'hostname', hosts: 'hosts', resolvConf: 'resolv.conf' } as const;
  const plan: EtcFilePlan = { paths: {}, writes: [] };
  for (const key of ['hostname', 'hosts', 'resolvConf'] as const) {
    const text = files[key];
    if (text === undefined) continue;
    const path = join(dir, names[key]);
    plan.writes.push([path, text]);
    plan.paths[key] = path;
  }
  return plan;
}

/** Writes the files into `dir` and returns the host paths to bind-mount. */
export function writeEtcFiles(dir: string, input: ContainerSpecInput, hostname: string): EtcFilePlan['paths'] {
  const plan = planEtcFiles(dir, input, hostname);
  // Not fsynced (Docker writes these with a plain write too): derived from the records.
  for (const [path, text] of plan.writes) writeFileAtomic(path, text, { durable: false });
  return plan.paths;
}
