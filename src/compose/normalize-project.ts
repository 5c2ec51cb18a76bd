// Top-level networks, volumes, secrets and configs → model form: names filled
// ("<project>_<key>" unless external or named), labels as maps, file paths
// absolute, and the implicit `default` network added when a service uses it.
import type { FileObjectConfig, NetworkConfig, Service, VolumeConfig } from './model.js';
import { type Ctx, dictOf, sorted } from './coerce.js';
import { ordered } from './normalize-deploy.js';
import { resolvePath } from './paths.js';
import { isObj, type Obj } from './source.js';

function externalOf(c: Ctx, v: unknown, path: Array<string | number>): { external: boolean; name?: string } {
  if (v === undefined) return { external: false };
  if (isObj(v)) return { external: true, name: typeof v.name === 'string' ? v.name : undefined };
  return { external: c.bool(v, path) };
}

function labels(v: unknown): Record<string, string> {
  return sorted(Object.fromEntries(Object.entries(dictOf(v)).map(([k, x]) => [k, x ?? ''])));
}

function resource(c: Ctx, kind: string, key: string, raw: unknown, project: string): Obj {
  const o: Obj = isObj(raw) ? raw : {};
  const path = [kind, key];
  const ext = externalOf(c, o.external, [...path, 'external']);
  const out: Obj = { name: typeof o.name === 'string' ? o.name : ext.external ? (ext.name ?? key) : `${project}_${key}` };
  if (ext.external) {
    for (const k of ['driver', 'driver_opts', 'ipam', 'file', 'content', 'environment']) {
      if (o[k] !== undefined) c.fail(`"external" cannot be combined with "${k}"`, [...path, k]);
    }
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === 'name') continue;
    if (k === 'external') { if (ext.external) out.external = true; continue; }
    if (k === 'labels') out.labels = labels(v);
    else if (k === 'internal' || k === 'attachable' || k === 'enable_ipv6' || k === 'enable_ipv4') out[k] = c.bool(v, [...path, k]);
    else if (k === 'driver_opts' && isObj(v)) out[k] = sorted(Object.fromEntries(Object.entries(v).map(([a, x]) => [a, String(x)])));
    else out[k] = v;
  }
  return ordered(out, ORDER[kind] ?? []);
}

// compose-go's field order for each kind of top-level resource.
const FILE_ORDER = ['name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver'];
const ORDER: Record<string, string[]> = {
  networks: ['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6'],
  volumes: ['name', 'driver', 'driver_opts', 'external', 'labels'],
  secrets: FILE_ORDER,
  configs: FILE_ORDER,
};

export interface Resources {
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
}

export function normalizeResources(c: Ctx, raw: Obj, project: string, dir: string, services: Record<string, Service>): Resources {
  const section = (k: string): Obj => (isObj(raw[k]) ? raw[k] : {});
  const networks: Record<string, NetworkConfig> = {};
  for (const [k, v] of Object.entries(section('networks'))) networks[k] = resource(c, 'networks', k, v, project) as NetworkConfig;
  const usesDefault = Object.values(services).some((s) => s.networks && 'default' in s.networks);
  if (usesDefault && !networks.default) networks.default = { name: `${project}_default` };
  const volumes: Record<string, VolumeConfig> = {};
  for (const [k, v] of Object.entries(section('volumes'))) volumes[k] = resource(c, 'volumes', k, v, project) as VolumeConfig;
  const files = (kind: 'secrets' | 'configs'): Record<string, FileObjectConfig> => {
    const out: Record<string, FileObjectConfig> = {};
    for (const [k, v] of Object.entries(section(kind))) {
      const r = resource(c, kind, k, v, project) as FileObjectConfig;
      const sources = ['file', 'environment', 'content', 'external'].filter((s) => r[s] !== undefined);
      if (sources.length !== 1) c.fail(`exactly one of "file", "environment", "content" or "external" must be set`, [kind, k]);
      if (kind === 'secrets' && r.content !== undefined) c.fail('"content" is only allowed for configs', [kind, k, 'content']);
      if (typeof r.file === 'string') r.file = resolvePath(dir, r.file);
      out[k] = r;
    }
    return sorted(out);
  };
  return { networks: sorted(networks), volumes: sorted(volumes), secrets: files('secrets'), configs: files('configs') };
}
