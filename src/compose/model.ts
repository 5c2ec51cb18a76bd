// The normalized Compose project: the contract between src/compose and every
// layer below it (reconciler, containers, networks, volumes). Everything here
// is fully resolved: variables interpolated, files merged, extends/include
// applied, profiles filtered, short syntax expanded, relative paths made
// absolute, env_file contents folded into `environment`, defaults filled.
// Field names are the Compose file's own (snake_case), so the object can be
// printed as it is by `berth config` and diffed against `docker compose config`.
// Fields that are absent were not set; the comment says what absence means.

/** One loaded project. */
export interface Project {
  /** Normalized project name: [a-z0-9][a-z0-9_-]*. */
  name: string;
  /** Enabled services by name (disabled-by-profile ones are not here). */
  services: Record<string, Service>;
  /** Networks; always has `default` when some service uses it. */
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** Top-level x-* extension fields, kept verbatim. */
  extensions: Record<string, unknown>;
  /** Absolute project directory (relative paths were resolved against it). */
  workingDir: string;
  /** Absolute paths of the compose files, in merge order ('-' for stdin). */
  composeFiles: string[];
  /** Variables used for interpolation: shell environment over .env / --env-file. */
  environment: Record<string, string>;
  /** Profiles that were active. */
  profiles: string[];
  /** Names of services left out because none of their profiles is active. */
  disabledServices: string[];
  /** Non-fatal findings (unset variables, ...), one line each. */
  warnings: string[];
}

type RestartPolicy = 'no' | 'always' | 'on-failure' | `on-failure:${number}` | 'unless-stopped';

/** A service. Keys not listed are carried through from the file as they are (validated by the schema). */
/** A device request (gpus, deploy.resources.reservations.devices); count -1 is "all". */
interface DeviceRequest {
  capabilities?: string[];
  driver?: string;
  count?: number;
  device_ids?: string[];
  options?: Record<string, string>;
}

export interface Service {
  /** The service's name (not printed: it is the key in `services`). */
  name?: never;
  image?: string;
  /** Absent: built from `build` or an error at up time. */
  build?: BuildConfig;
  /** Command as an argv list (a string was split like a shell would); absent: the image's CMD. */
  command?: string[] | null;
  /** Entrypoint as an argv list; absent: the image's ENTRYPOINT; [] resets it. */
  entrypoint?: string[] | null;
  /** Variables in the container (env_file folded in; a null value means "unset, no value"). */
  environment?: Record<string, string | null>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Dependencies by service name. */
  depends_on?: Record<string, DependsOn>;
  /** Published ports, one entry per container port (ranges expanded). */
  ports?: PortConfig[];
  /** Exposed (not published) ports, as strings ("80", "8000-8010/udp"). */
  expose?: string[];
  /** Mounts: bind sources absolute; volume sources name a top-level volume (key, not full name). */
  volumes?: ServiceVolume[];
  /** Networks by top-level network key; null value = attached with no options. */
  networks?: Record<string, ServiceNetwork | null>;
  /** "host", "none", "bridge", "service:<name>", "container:<id>". Excludes `networks`. */
  network_mode?: string;
  healthcheck?: Healthcheck;
  /** Restart policy; "no" when not set. */
  restart?: RestartPolicy;
  /** Number of containers; absent: deploy.replicas or 1. */
  scale?: number;
  /** GPU requests: `gpus: all` is [{ count: -1 }] (every device), as compose-go expands it. */
  gpus?: DeviceRequest[];
  deploy?: Record<string, unknown> & { replicas?: number; resources?: Record<string, unknown> };
  /** Active-profile filter; absent: always enabled. */
  profiles?: string[];
  container_name?: string;
  hostname?: string;
  domainname?: string;
  user?: string;
  working_dir?: string;
  /** Extra /etc/hosts entries: "host=ip" (docker compose prints them so). */
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  secrets?: ServiceFileRef[];
  configs?: ServiceFileRef[];
  /** rlimits: a single number sets soft=hard. */
  ulimits?: Record<string, number | { soft: number; hard: number }>;
  /** tmpfs mount targets ("/run", "/tmp:size=64m"). */
  tmpfs?: string[];
  /** Devices in long form. */
  devices?: DeviceMapping[];
  sysctls?: Record<string, string>;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  privileged?: boolean;
  read_only?: boolean;
  init?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  /** Signal name, e.g. SIGTERM (absent: the image's STOPSIGNAL or SIGTERM). */
  stop_signal?: string;
  /** Go duration string ("10s" when absent). */
  stop_grace_period?: string;
  /** Byte sizes as decimal byte counts ("536870912"). */
  mem_limit?: string;
  mem_reservation?: string;
  memswap_limit?: string;
  shm_size?: string;
  cpus?: number;
  cpu_shares?: number;
  pids_limit?: number;
  oom_score_adj?: number;
  pid?: string;
  ipc?: string;
  uts?: string;
  pull_policy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present' | string;
  platform?: string;
  logging?: { driver?: string; options?: Record<string, string | null> };
  links?: string[];
  external_links?: string[];
  volumes_from?: string[];
  group_add?: string[];
  develop?: DevelopConfig;
  /** x-* extension fields of the service, kept. */
  [extension: `x-${string}`]: unknown;
  /** Any other Compose key, passed through validated but not reshaped. */
  [key: string]: unknown;
}

/** `develop:` — what `berth watch` does when files change. */
export interface DevelopConfig {
  watch?: WatchRule[];
  [extension: `x-${string}`]: unknown;
}

type WatchAction = 'sync' | 'rebuild' | 'restart' | 'sync+restart' | 'sync+exec';

export interface WatchRule {
  /** Absolute host path (file or directory) to watch. */
  path: string;
  action: WatchAction;
  /** Container path the sync actions write to. */
  target?: string;
  /** .dockerignore patterns, relative to `path`. */
  ignore?: string[];
  /** Only paths matching these patterns (relative to `path`) trigger the rule. */
  include?: string[];
  /** sync+exec: the command run in every container of the service after a sync. */
  exec?: ServiceHook;
  /** Sync the whole path when the watch starts. */
  initial_sync?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** A command run inside a service's containers (develop.watch exec, post_start, pre_stop). */
export interface ServiceHook {
  command: string[];
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: Record<string, string | null>;
}

export interface BuildConfig {
  /** Absolute context directory (or a URL kept as written). */
  context: string;
  /** Dockerfile path relative to the context ("Dockerfile" when absent in the file). */
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  tags?: string[];
  [key: string]: unknown;
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** false: a missing or disabled dependency is ignored. */
  required: boolean;
  /** true: restart this service when the dependency is restarted/recreated. */
  restart?: boolean;
}

export interface PortConfig {
  name?: string;
  /** "ingress" (default) or "host". */
  mode: string;
  host_ip?: string;
  target: number;
  /** Host port or range as a string ("8080", "8000-8010"); absent: a random port. */
  published?: string;
  protocol: string;
  app_protocol?: string;
}

export interface ServiceVolume {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** bind: absolute host path; volume: top-level volume key (absent: anonymous volume). */
  source?: string;
  /** Absolute path in the container. */
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  /** size: a byte count (a string, as docker compose prints it). */
  tmpfs?: { size?: number | string; mode?: number };
  [key: string]: unknown;
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
  [key: string]: unknown;
}

export interface Healthcheck {
  /** ["CMD", ...], ["CMD-SHELL", "cmd"] or ["NONE"]. */
  test?: string[];
  /** Go duration strings ("30s", "1m30s"). */
  timeout?: string;
  interval?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  /** true: the image's healthcheck is disabled. */
  disable?: boolean;
}

export interface ServiceFileRef {
  /** Top-level secret/config key. */
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface DeviceMapping {
  source: string;
  target: string;
  permissions: string;
}

export interface NetworkConfig {
  /** Real network name: "<project>_<key>" unless set in the file or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; ip_range?: string; gateway?: string; aux_addresses?: Record<string, string> }>; options?: Record<string, string> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface VolumeConfig {
  /** Real volume name: "<project>_<key>" unless set in the file or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A top-level secret or config. */
export interface FileObjectConfig {
  name: string;
  /** Absolute path of the file. */
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  [key: string]: unknown;
}

/** What loadProject needs (the CLI builds it from its global options). */
export interface LoadOptions {
  /** -f files in order; '-' is stdin. Empty: COMPOSE_FILE or discovery. */
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  /** --env-file files (replace the project's .env). */
  envFiles?: string[];
  /** --profile names (added to COMPOSE_PROFILES). */
  profiles?: string[];
  /** Services named on the command line: enables their profiles, and (with selectServices) limits the project to them and their dependencies. */
  services?: string[];
  selectServices?: boolean;
  /** Directory to discover files from (default: process.cwd()). */
  workingDir?: string;
  /** Shell environment (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Skip interpolation (`config --no-interpolate`). */
  interpolate?: boolean;
  /** Skip normalization (`config --no-normalize`): merged, validated, but short syntax kept. */
  normalize?: boolean;
  /** Text to read for '-' (default: stdin). */
  stdin?: string;
  /** Record source positions while loading (the loader sets this itself: off first, on to report an error). */
  positions?: boolean;
}
