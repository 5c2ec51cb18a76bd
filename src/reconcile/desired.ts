// What the reconciler needs to know of a Compose project, as plain data.
// The CLI maps the normalized Compose `Project` onto this shape; keeping it
// separate means the reconciler never depends on the Compose layer's types
// and its golden tests are plain JSON.

/** Compose's pull_policy, reduced to what changes the plan. */
export type PullPolicy = 'always' | 'missing' | 'never' | 'build';

/** depends_on condition. */
export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DesiredDependency {
  /** What the dependent waits for before it starts. */
  condition: DependencyCondition;
  /** false: a missing, disabled or failing dependency is tolerated (a warning). */
  required: boolean;
  /** true: recreating the dependency recreates this (dependent) service too. */
  restart: boolean;
}

export interface DesiredService {
  /** The service key in the Compose file. */
  name: string;
  /** The service's config hash (same as `berth config --hash`); a change means recreate. */
  configHash: string;
  /** deploy.replicas / scale (before --scale overrides); 0 is allowed. */
  replicas: number;
  /**
   * The image reference, normalized the same way as ActualState.images[].ref.
   * For a service with `build` and no `image`, Compose's default `<project>-<service>`.
   */
  image: string;
  /** true when `image` was derived by berth (build without `image:`): `down --rmi local` removes it. */
  localImage: boolean;
  /**
   * Image id the service's image reference resolves to now, when known. A
   * container created from another image id is recreated ("image changed").
   */
  imageId?: string;
  /** pull_policy (missing when unset; `if_not_present` maps to missing, and so do daily, weekly and every_*). */
  pullPolicy: PullPolicy;
  /** daily, weekly, every_<duration>: pull when the image was last pulled longer ago than this; otherwise missing. */
  pullRefresh?: { policy: string; intervalMs: number };
  /** The service has a `build` section. */
  build: boolean;
  /**
   * depends_on, including Compose's implicit dependencies (links, volumes_from
   * service:, network_mode service:), which the Compose layer already folds in
   * with condition service_started.
   */
  dependsOn: Record<string, DesiredDependency>;
  /**
   * Services whose container this one holds on to: `network_mode`, `pid` or
   * `ipc` `service:x`, and `volumes_from: x`. Recreating x recreates this one
   * (it would keep the old container's namespaces or mounts otherwise).
   */
  shares?: string[];
  /** Keys of DesiredProject.networks the service joins (empty with network_mode). */
  networks: string[];
  /** Keys of DesiredProject.volumes the service mounts. */
  volumes: string[];
  /** container_name, when set (then replicas must be 1). */
  containerName?: string;
  /** Enabled by the active profiles (or no profiles). Disabled services are never touched by up. */
  enabled: boolean;
  /** The service's profiles, named in errors about disabled dependencies. */
  profiles: string[];
  /** restart policy: no, always, on-failure[:N], unless-stopped. Informational for the plan. */
  restart: string;
  /** The service has a healthcheck (its own or its image's, not disabled): `up --wait` waits for healthy. */
  healthcheck?: boolean;
}

export interface DesiredNetwork {
  /** The key in the Compose `networks` section (e.g. `default`). */
  key: string;
  /** The real name (`<project>_<key>` or the `name:` given). */
  name: string;
  /** external: must exist, never created or removed. */
  external: boolean;
  /** driver (bridge, overlay, ...). */
  driver: string;
  /**
   * Flat, comparable description of the options that cannot change in place
   * (driver options, ipam subnets, internal, enable_ipv6, ...). The network
   * driver stores the same map on its record; any difference is an error.
   */
  config: Record<string, string>;
  /** Labels from the file (the com.docker.compose.* labels are added by berth). */
  labels: Record<string, string>;
}

export interface DesiredVolume {
  /** The key in the Compose `volumes` section. */
  key: string;
  /** The real name (`<project>_<key>` or the `name:` given). */
  name: string;
  external: boolean;
  /** driver (only `local` is supported). */
  driver: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

export interface DesiredProject {
  name: string;
  /** Every service of the file, enabled or not (disabled ones are not orphans). */
  services: DesiredService[];
  networks: DesiredNetwork[];
  volumes: DesiredVolume[];
}

/** Compose's label keys (src/compose-labels.ts). */
export { LABELS } from '../compose-labels.js';

/** `<project>-<service>-<n>` unless container_name is set. */
export function containerNameFor(project: string, service: DesiredService, n: number): string {
  return service.containerName ?? `${project}-${service.name}-${n}`;
}
