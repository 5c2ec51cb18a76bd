// The project as docker compose presents it after loading: only the networks,
// volumes, secrets and configs its (selected) services use. compose-go's
// WithoutUnnecessaryResources, which `docker compose config` applies unless
// --all-resources is given.
import type { Project } from './model.js';

const pick = <T>(all: Record<string, T>, used: Set<string>): Record<string, T> =>
  Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)));

export function withoutUnusedResources(p: Project): Project {
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
