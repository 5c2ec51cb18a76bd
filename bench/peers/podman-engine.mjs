// A private podman for the bench: its own containers.conf, storage.conf and
// registries.conf (via CONTAINERS_* variables), graph root, run root, network
// config and tmp dirs under a temp dir; runc (crun refuses this hybrid cgroup
// host) with the cgroupfs manager; netavark in the bench's own network
// namespace (bench/peers/sandbox.mjs), so podman-compose runs under nsenter.
// No registry is searched or reachable (docker.io blocked, proxy to a closed
// loopback port). stop() removes everything it made and reports leaks.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostPaths, Sandbox, hostSnapshot, hostDiff, removeCgroupTree, sh } from './sandbox.mjs';

const PODMAN = '/usr/bin/podman';
const COMPOSE = '/usr/bin/podman-compose';
const NO_EGRESS = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', no_proxy: '' };
// podman's cgroupfs parent for containers and conmon.
const CGROUP_MARK = 'libpod_parent';

/** Why the podman peer cannot run here, or null. */
export function podmanUnavailable() {
  for (const f of [PODMAN, COMPOSE, '/usr/sbin/runc']) if (!existsSync(f)) return `${f} not installed (bash bench/setup-peers.sh)`;
  return null;
}

// podman raises RLIMIT_NOFILE/NPROC for root containers; without
// CAP_SYS_RESOURCE (this machine) runc then fails with EPERM. Keep the bench's
// own nofile; for nproc even the bench's own hard limit fails in runc here
// (EPERM, not investigated further), 4096 works and is plenty for `sleep`.
function currentHardLimits() {
  const nofile = sh(['bash', '-c', 'ulimit -Hn']).trim();
  return { nofile, nproc: '4096' };
}

function writeConfigs(d) {
  const lim = currentHardLimits();
  for (const sub of ['storage', 'run', 'networks', 'tmp', 'volumes']) mkdirSync(join(d, sub), { recursive: true });
  writeFileSync(join(d, 'storage.conf'), [
    '[storage]', 'driver = "overlay"', `graphroot = "${d}/storage"`, `runroot = "${d}/run"`, '',
  ].join('\n'));
  writeFileSync(join(d, 'containers.conf'), [
    '[containers]', 'init_path = "/usr/bin/catatonit"',
    `default_ulimits = ["nofile=${lim.nofile}:${lim.nofile}", "nproc=${lim.nproc}:${lim.nproc}"]`, '',
    '[network]', 'network_backend = "netavark"', `network_config_dir = "${d}/networks"`,
    'default_subnet = "10.242.0.0/24"', 'default_subnet_pools = [{"base" = "10.243.0.0/16", "size" = 24}]', '',
    '[engine]', 'cgroup_manager = "cgroupfs"', 'runtime = "runc"', `tmp_dir = "${d}/tmp"`,
    `static_dir = "${d}/storage/libpod"`, `volume_path = "${d}/volumes"`,
    'events_logger = "file"', `events_logfile_path = "${d}/events.log"`, '',
  ].join('\n'));
  writeFileSync(join(d, 'registries.conf'), [
    'unqualified-search-registries = []', '',
    '[[registry]]', 'prefix = "docker.io"', 'location = "docker.io"', 'blocked = true', '',
  ].join('\n'));
}

export class PodmanEngine {
  async start() {
    this.box = new Sandbox('podman');
    // Not configurable in podman 4.3: netavark's run dir, the shm lock, runc's
    // state root, the blob cache `podman load` writes.
    this.paths = new HostPaths([
      { path: '/run/containers', mode: 'tree' }, { path: '/run/containers/networks', mode: 'tree' },
      { path: '/dev/shm/libpod_lock', mode: 'tree' }, { path: '/run/runc', mode: 'empty' },
      { path: '/var/lib/containers/cache/blob-info-cache-v1.boltdb', mode: 'restore' },
      { path: '/var/lib/containers/cache', mode: 'tree' }, { path: '/var/lib/containers', mode: 'empty' },
    ]);
    this.before = hostSnapshot([this.box.dir, CGROUP_MARK]);
    const d = this.box.dir;
    try {
      writeConfigs(d);
      this.env = {
        ...process.env, ...NO_EGRESS,
        CONTAINERS_CONF: join(d, 'containers.conf'),
        CONTAINERS_STORAGE_CONF: join(d, 'storage.conf'),
        CONTAINERS_REGISTRIES_CONF: join(d, 'registries.conf'),
        XDG_CONFIG_HOME: join(d, 'config'),
      };
      this.podman(['info']);
    } catch (e) {
      await this.stop().catch(() => {});
      throw new Error(`podman does not work here: ${e.message}`);
    }
    return this;
  }

  podman(args) { return sh(this.box.wrap([PODMAN, ...args]), { env: this.env }); }

  /** argv of podman-compose with `args`, inside the sandbox's netns (run it with this.env). */
  composeCli(args) { return this.box.wrap([COMPOSE, ...args]); }

  /** argv of podman-compose for a project. */
  compose(project, file) { return this.composeCli(['-p', project, '-f', file]); }

  loadImage(tar) { this.podman(['load', '-i', tar]); }

  versions() {
    const v = this.podman(['version', '-f', '{{.Client.Version}}']).trim();
    const c = sh([COMPOSE, 'version'], { env: this.env }).split('\n').find((l) => /podman-compose/i.test(l)) ?? '';
    return { engine: `podman ${v}`, compose: c.replace(/.*version\s*/i, '').trim() };
  }

  /** Removes every container, pod, network and image, then every trace on the host. */
  async stop() {
    const problems = [];
    try {
      this.podman(['rm', '-af', '-t', '0']);
      this.podman(['pod', 'rm', '-af']);
      this.podman(['network', 'prune', '-f']);
      this.podman(['system', 'reset', '-f']);
    } catch (e) { problems.push(e.message); }
    await this.box.killAll().catch((e) => problems.push(e.message));
    const cgroups = hostSnapshot([CGROUP_MARK]).cgroups.filter((c) => !this.before.cgroups.includes(c));
    for (const cg of cgroups) removeCgroupTree(cg);
    this.box.destroy();
    this.paths.forget();
    const leaks = hostDiff(this.before, hostSnapshot([this.box.dir, CGROUP_MARK]));
    if (this.paths.present().length) leaks.paths = this.paths.present();
    if (Object.keys(leaks).length) problems.push(`left on the host: ${JSON.stringify(leaks)}`);
    if (problems.length) throw new Error(`podman teardown: ${problems.join('; ')}`);
  }
}
