// What compose-go's normalization adds to a service beyond its own keys:
// pull_policy if_not_present read as missing, clean volume targets, build
// args left out when they name an unset variable, and an empty `networks:`
// meaning the default network (all in the loaded model); and dependencies
// implied by links, `service:` namespaces and volumes_from (written out by
// `config`, see configView in used-resources.ts).
import { posix } from 'node:path';
import { sorted } from './coerce.js';
import type { Lookup } from './interpolate.js';
import type { DependsOn, Service } from './model.js';

const NAMESPACES = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

/** Go's path.Clean for an absolute or relative container path. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * Dependencies implied by links, `service:` namespaces and volumes_from
 * (restart with the dependency, except volumes_from). Only services of the
 * project are added.
 */
export function addImplicitDependencies(name: string, s: Service, services: ReadonlySet<string>): void {
  const deps: Record<string, DependsOn> = { ...(s.depends_on ?? {}) };
  let added = false;
  const need = (service: string, restart: boolean) => {
    // Itself, or a service the project lacks, is left to the checker's clearer error.
    if (service === name || !services.has(service) || Object.hasOwn(deps, service)) return;
    deps[service] = restart ? { condition: 'service_started', restart: true, required: true } : { condition: 'service_started', required: true };
    added = true;
  };
  for (const l of s.links ?? []) {
    const parts = l.split(':');
    need(parts.length === 2 ? parts[0]! : l, true);
  }
  for (const k of NAMESPACES) {
    const v = s[k];
    if (typeof v === 'string' && v.startsWith('service:')) need(v.slice('service:'.length), true);
  }
  for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) need(v.split(':')[0]!, false);
  if (added) s.depends_on = sorted(deps);
}

/** The service-local normalizations: pull_policy, volume targets, build args, empty networks. */
export function applyImplicit(s: Service, lookup: Lookup): void {
  if (s.pull_policy === 'if_not_present') s.pull_policy = 'missing';
  for (const v of s.volumes ?? []) if (typeof v.target === 'string') v.target = cleanPath(v.target);
  const args = s.build?.args;
  if (args) {
    for (const [k, v] of Object.entries(args)) {
      if (v !== null) continue;
      const found = lookup(k);
      if (found === undefined) delete args[k];
      else args[k] = found;
    }
  }
  if (s.networks && Object.keys(s.networks).length === 0 && s.network_mode === undefined) s.networks = { default: null };
}
