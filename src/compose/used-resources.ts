// The project as docker compose presents it after loading: only the networks,
// volumes, secrets and configs its (selected) services use. compose-go's
// WithoutUnnecessaryResources, which `docker compose config` applies unless
// --all-resources is given.
import type { Project } from './model.js';
import { addImplicitDependencies } from './normalize-implicit.js';

const pick = <T>(all: Record<string, T>, used: Set<string>): Record<string, T> =>
  Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));

/**
 * The project as `docker compose config` prints it: the implicit dependencies
 * (links, service: namespaces, volumes_from) written out, and only the used
 * resources. The services are copied; the loaded project is not changed (the
 * reconciler orders and recreates such services by its own rules).
 */
export function configView(p: Project): Project {
  const services = structuredClone(p.services);
  const names = new Set(Object.keys(services));
  for (const [n, s] of Object.entries(services)) addImplicitDependencies(n, s, names);
  return withoutUnusedResources({ ...p, services });
}

function withoutUnusedResources(p: Project): Project {
  const networks = new Set<string>();
  const volumes = new Set<string>();
  const secrets = new Set<string>();
  const configs = new Set<string>();
  for (const s of Object.values(p.services)) {
    for (const n of Object.keys(s.networks ?? {})) networks.add(n);
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) volumes.add(v.source);
    for (const r of s.secrets ?? []) secrets.add(r.source);
    for (const r of (s.build?.secrets ?? []) as Array<string | { source: string }>) secrets.add(typeof r === 'string' ? r : r.source);
    for (const r of s.configs ?? []) configs.add(r.source);
  }
  return {
    ...p,
    networks: pick(p.networks, networks),
    volumes: pick(p.volumes, volumes),
    secrets: pick(p.secrets, secrets),
    configs: pick(p.configs, configs),
  };
}
