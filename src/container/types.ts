// The container layer's input: plain data, already resolved. The orchestrator
// maps a Compose service (plus the image, network and volume drivers'
// results) onto it; nothing here knows about YAML. Durations are nanoseconds
// and sizes bytes, as Docker's API uses them.

/** The parts of an OCI/Docker image config (`config` in the image config JSON) a container uses. */
export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  /** "KEY=value" entries. */
  Env?: string[] | null;
  WorkingDir?: string;
  /** "user", "uid", "user:group" or "uid:gid". */
  User?: string;
  /** "80/tcp" → {}; informational for the container layer. */
  ExposedPorts?: Record<string, object>;
  StopSignal?: string;
  Healthcheck?: ImageHealthcheck;
  Labels?: Record<string, string> | null;
}

/** Docker's image Healthcheck: Test is ["NONE"], ["CMD", ...] or ["CMD-SHELL", "cmd"]; times in ns. */
interface ImageHealthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** Compose `healthcheck`, resolved: times in ns; `disable: true` equals test ["NONE"]. */
export interface HealthcheckInput {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
  startInterval?: number;
  disable?: boolean;
}

/** A mount, already resolved to host paths by the volume layer. */
export type MountInput =
  | { type: 'bind' | 'volume'; source: string; target: string; readOnly?: boolean;
      /** Compose bind.propagation; rprivate by default. */
      propagation?: 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave' }
  | { type: 'tmpfs'; target: string; readOnly?: boolean; size?: number; mode?: number };

/** A host device made available in the container (Compose `devices`). */
interface DeviceInput {
  /** Host path, e.g. /dev/fuse. */
  source: string;
  /** Path in the container; defaults to source. */
  target?: string;
  /** Any of r, w, m; defaults to rwm. */
  permissions?: string;
}

/** A resource limit (Compose `ulimits`): one number sets both soft and hard. */
type UlimitInput = number | { soft: number; hard: number };

export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure' | `on-failure:${number}`;

export type NetworkInput =
  | { mode: 'netns'; /** a netns file prepared by the network layer, e.g. /run/berth/netns/<id> */ path: string }
  | { mode: 'host' }
  | { mode: 'none' };

export interface ContainerSpecInput {
  /** 64 lower-case hex chars, unique; names the bundle, cgroup and records. */
  id: string;
  /** Container name, e.g. "myproj-web-1" ([a-zA-Z0-9][a-zA-Z0-9_.-]*). */
  name: string;
  /** The image reference as given (e.g. "busybox:latest"), its id (config digest), and its config. */
  image: { ref: string; id?: string; config: ImageConfig };
  /**
   * Root filesystem layers: directories relative to `base` (the image store's
   * short-link dir), top-most first. The container's upper dir is added on top.
   */
  rootfs: { base: string; lower: string[] };

  /** Compose `command`: replaces the image's Cmd. */
  command?: string[];
  /** Compose `entrypoint`: replaces the image's Entrypoint and, as in Docker, resets its Cmd. */
  entrypoint?: string[];
  /** Compose `environment`, already interpolated; overrides the image's Env by key. */
  environment?: Record<string, string>;
  /** Compose `user`: "name", "uid", "name:group", "uid:gid" (names resolved in the rootfs). */
  user?: string;
  /** Compose `working_dir`: replaces the image's WorkingDir. */
  workingDir?: string;
  /** Compose `hostname` (default: the first 12 chars of the id; the host's with network_mode host). */
  hostname?: string;
  /** Compose `domainname`. */
  domainname?: string;
  /** Compose `cap_add` / `cap_drop`: names with or without CAP_, any case; "ALL" allowed. */
  capAdd?: string[];
  capDrop?: string[];
  /** Compose `security_opt`: no-new-privileges, seccomp=unconfined|FILE (absolute), systempaths=unconfined, apparmor, label. */
  securityOpt?: string[];
  /** Compose `group_add`: supplementary groups, names (from the image's /etc/group) or numbers. */
  groupAdd?: string[];
  /** Compose `oom_score_adj` (-1000..1000). */
  oomScoreAdj?: number;
  /** Compose `privileged`: all capabilities, all devices, no seccomp, no masked paths. */
  privileged?: boolean;
  /** Compose `read_only`: the root filesystem is mounted read-only. */
  readOnly?: boolean;
  /** Compose `tmpfs`: "path" or "path:opt,opt" (size=, mode=, ...). */
  tmpfs?: string[];
  /** Compose `ulimits`: nofile, nproc, core, memlock, ... */
  ulimits?: Record<string, UlimitInput>;
  /** Compose `sysctls` (namespaced ones only: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*). */
  sysctls?: Record<string, string>;
  /** Compose `shm_size` in bytes (default 64 MiB). */
  shmSize?: number;
  /** Compose `init`: run berth-init as PID 1 (forwards signals, reaps zombies). */
  init?: boolean;
  /** Compose `stop_signal` (default: the image's StopSignal, else SIGTERM). */
  stopSignal?: string;
  /** Compose `stop_grace_period` in ns (default 10 s). */
  stopGracePeriod?: number;
  /** Compose `mem_limit`, `mem_reservation`, `memswap_limit` (bytes; memswap -1 = unlimited). */
  memLimit?: number;
  memReservation?: number;
  memswapLimit?: number;
  /** Compose `cpus` (e.g. 0.5), `cpu_shares`, `cpu_quota`/`cpu_period` (µs), `cpuset` ("0-1,3"). */
  cpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuset?: string;
  /** Compose `pids_limit` (-1 or 0 = unlimited). */
  pidsLimit?: number;
  /** Compose `devices`. */
  devices?: DeviceInput[];
  /** Compose `expose` as "80/tcp" entries (one per port): with the image's ExposedPorts, what listings show as exposed. */
  expose?: string[];
  /** Compose `labels` merged with the image's; berth adds com.docker.compose.* in the record. */
  labels?: Record<string, string>;
  /** Compose `volumes` + `tmpfs` mounts in long form, resolved to host paths. */
  mounts?: MountInput[];
  /** Compose `pid`: the host's pid namespace, or the one of another container (by id). Default: its own. */
  pid?: 'host' | { container: string };
  /** Compose `ipc`: host, private/shareable (its own), none (its own, no /dev/shm), or another container's (by id). */
  ipc?: 'host' | 'private' | 'shareable' | 'none' | { container: string };
  /** Compose `uts: host`: the host's hostname (no UTS namespace). */
  uts?: 'host';
  /** The network namespace: a path from the network layer, or network_mode host / none. */
  network: NetworkInput;
  /** Contents of /etc/hosts, /etc/resolv.conf and /etc/hostname; defaults are generated when absent. */
  etcFiles?: { hosts?: string; resolvConf?: string; hostname?: string };
  /** Compose `restart` (default "no"). */
  restart?: RestartPolicy;
  /** Compose `healthcheck`, merged over the image's Healthcheck. */
  healthcheck?: HealthcheckInput;
  /** Compose `logging.options` for json-file: max-size (bytes) and max-file. */
  logging?: { maxSize?: number; maxFile?: number };
  /** Compose `tty` and `stdin_open`. */
  tty?: boolean;
  stdinOpen?: boolean;
  /** Compose `runtime`: the OCI runtime's name (berth-runtime when absent; see runtimes.ts). */
  runtime?: string;
}
