// Maps the normalized Compose project onto the reconciler's DesiredProject.
// The shapes below are the subset of src/compose/model.ts this needs, written
// structurally so the reconciler does not depend on the Compose layer: the
// Compose `Project` is assignable to ProjectLike. What Compose itself adds
// here: implicit dependencies (links, volumes_from, network_mode service:),
// the default image name of a build-only service (`<project>-<service>`), and
// disabled services kept (by name) so that they are never taken for orphans.
import { compareText } from '../text-order.js';
import { parsePullPolicy } from './pull-policy.js';
import type { DependencyCondition, DesiredDependency, DesiredNetwork, DesiredProject, DesiredService, DesiredVolume, PullPolicy } from './desired.js';

interface ServiceLike {
  image?: string;
  build?: unknown;
  depends_on?: Record<string, { condition: DependencyCondition; required: boolean; restart?: boolean }>;
  networks?: Record<string, unknown>;
  network_mode?: string;
  pid?: string;
  ipc?: string;
  volumes?: Array<{ type: string; source?: string }>;
  volumes_from?: string[];
  links?: string[];
  restart?: string;
  scale?: number;
  deploy?: { replicas?: number };
  profiles?: string[];
  container_name?: string;
  pull_policy?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
}

interface NetworkLike {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<Record<string, unknown>>; options?: Record<string, string> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
}

interface VolumeLike {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface ProjectLike {
  name: string;
  services: Record<string, ServiceLike>;
  networks: Record<string, NetworkLike>;
  volumes: Record<string, VolumeLike>;
  disabledServices?: string[];
}

/** Compose's pull_policy values reduced to the four that change a plan (daily/weekly/every_* act as missing, plus their interval). */
function pullPolicyOf(p: string | undefined): PullPolicy {
  return parsePullPolicy(p).policy;
}

/** The services whose namespaces (network_mode, pid, ipc `service:x`) or volumes (volumes_from) this one uses. */
function sharedServicesOf(s: ServiceLike): string[] {
  const out = new Set<string>();
  for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) out.add(v.split(':')[0]);
  for (const mode of [s.network_mode, s.pid, s.ipc]) if (mode?.startsWith('service:')) out.add(mode.slice('service:'.length));
  return [...out].sort();
}

/** depends_on plus links, volumes_from and network_mode/pid/ipc service: (started, required). */
function dependenciesOf(s: ServiceLike): Record<string, DesiredDependency> {
  const out: Record<string, DesiredDependency> = {};
  const implicit = (name: string) => { out[name] ??= { condition: 'service_started', required: true, restart: false }; };
  for (const l of s.links ?? []) implicit(l.split(':')[0]);
  for (const name of sharedServicesOf(s)) implicit(name);
  for (const [name, d] of Object.entries(s.depends_on ?? {})) {
    out[name] = { condition: d.condition, required: d.required, restart: d.restart ?? false };
  }
  return out;
}

/** A network's settings that cannot change in place, flattened for comparison. */
function networkConfig(n: NetworkLike): Record<string, string> {
  const c: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.driver_opts ?? {})) c[`driver_opts.${k}`] = v;
  if (n.ipam?.driver) c['ipam.driver'] = n.ipam.driver;
  (n.ipam?.config ?? []).forEach((pool, i) => {
    for (const [k, v] of Object.entries(pool)) if (v !== undefined) c[`ipam.config.${i}.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  });
  for (const [k, v] of Object.entries(n.ipam?.options ?? {})) c[`ipam.options.${k}`] = v;
  if (n.internal) c.internal = 'true';
  if (n.enable_ipv6) c.enable_ipv6 = 'true';
  if (n.attachable) c.attachable = 'true';
  return c;
}

/**
 * The desired project. `configHash(name)` is the service's config hash (the
 * Compose layer's serviceConfigHash, the same as `berth config --hash`).
 */
export function desiredFromProject(p: ProjectLike, configHash: (service: string) => string): DesiredProject {
  const services: DesiredService[] = Object.entries(p.services).map(([name, s]) => ({
    name,
    configHash: configHash(name),
    replicas: s.deploy?.replicas ?? s.scale ?? 1,
    image: s.image ?? `${p.name}-${name}`,
    localImage: !s.image && s.build !== undefined,
    pullPolicy: pullPolicyOf(s.pull_policy),
    ...(parsePullPolicy(s.pull_policy).refresh ? { pullRefresh: parsePullPolicy(s.pull_policy).refresh } : {}),
    build: s.build !== undefined,
    dependsOn: dependenciesOf(s),
    ...(sharedServicesOf(s).length ? { shares: sharedServicesOf(s) } : {}),
    networks: s.network_mode ? [] : Object.keys(s.networks ?? {}).sort(),
    volumes: [...new Set((s.volumes ?? []).filter((v) => v.type === 'volume' && v.source).map((v) => v.source!))].sort(),
    containerName: s.container_name,
    enabled: true,
    profiles: s.profiles ?? [],
    restart: s.restart ?? 'no',
    // An image's own HEALTHCHECK is not known here: the caller ORs it in.
    healthcheck: !!s.healthcheck && !s.healthcheck.disable && s.healthcheck.test?.[0] !== 'NONE',
  }));
  for (const name of p.disabledServices ?? []) {
    if (p.services[name]) continue;
    services.push({
      name, configHash: '', replicas: 0, image: '', localImage: false, pullPolicy: 'missing', build: false,
      dependsOn: {}, networks: [], volumes: [], enabled: false, profiles: [], restart: 'no',
    });
  }
  const networks: DesiredNetwork[] = Object.entries(p.networks).map(([key, n]) => ({
    key, name: n.name, external: !!n.external, driver: n.driver ?? 'bridge', config: networkConfig(n), labels: n.labels ?? {},
  }));
  const volumes: DesiredVolume[] = Object.entries(p.volumes).map(([key, v]) => ({
    key, name: v.name, external: !!v.external, driver: v.driver ?? 'local', driverOpts: v.driver_opts ?? {}, labels: v.labels ?? {},
  }));
  return { name: p.name, services: services.sort((a, b) => compareText(a.name, b.name)), networks, volumes };
}
