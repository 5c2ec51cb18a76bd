// A private dockerd for the bench: its own data-root, exec-root, socket and
// pidfile under a temp dir, its own network namespace (bench/peers/sandbox.mjs),
// containers under their own cgroup parent. docker-compose and the docker CLI
// reach it through DOCKER_HOST. Registry traffic is sent to a closed loopback
// port (HTTP(S)_PROXY=127.0.0.1:9), so a missing image fails at once instead
// of being pulled. stop() removes everything it made and reports leaks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostPaths, Sandbox, hostSnapshot, hostDiff, removeCgroupTree, sh } from './sandbox.mjs';

const DOCKERD = '/usr/sbin/dockerd';
const DOCKER = '/usr/bin/docker'; // Debian's client (a newer one may sit earlier in PATH)
const COMPOSE = '/usr/bin/docker-compose';
const NO_EGRESS = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', no_proxy: '' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Why the docker peer cannot run here, or null. */
export function dockerUnavailable() {
  for (const f of [DOCKERD, DOCKER, COMPOSE]) if (!existsSync(f)) return `${f} not installed (bash bench/setup-peers.sh)`;
  return null;
}

export class DockerEngine {
  constructor() {
    this.id = Math.random().toString(36).slice(2, 8);
    this.cgroupParent = `berth-bench-docker-${this.id}`;
  }

  async start() {
    this.box = new Sandbox('docker');
    this.before = hostSnapshot([this.box.dir, this.cgroupParent]);
    // dockerd's plugin dir, its trust key and containerd's shim sockets.
    this.paths = new HostPaths([
      { path: '/run/docker', mode: 'tree' }, { path: '/etc/docker/key.json', mode: 'tree' }, { path: '/run/containerd', mode: 'tree' },
    ]);
    const d = this.box.dir;
    this.sock = join(d, 'docker.sock');
    this.log = join(d, 'dockerd.log');
    writeFileSync(join(d, 'daemon.json'), '{}\n');
    const fd = openSync(this.log, 'a');
    const argv = this.box.wrap([DOCKERD,
      '--config-file', join(d, 'daemon.json'),
      '--data-root', join(d, 'data'), '--exec-root', join(d, 'exec'),
      '-H', `unix://${this.sock}`, '--pidfile', join(d, 'dockerd.pid'),
      '--cgroup-parent', this.cgroupParent,
      // Addresses only inside our netns; distinct from berth's pools anyway.
      '--bip', '10.240.0.1/24', '--default-address-pool', 'base=10.241.0.0/16,size=24',
      '--log-level', 'warn']);
    this.proc = spawn(argv[0], argv.slice(1), {
      detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...NO_EGRESS },
    });
    closeSync(fd);
    this.exited = new Promise((r) => this.proc.once('exit', r));
    // DOCKER_CONFIG: the CLI and docker-compose keep their config (and any
    // credentials) in the sandbox, not ~/.docker.
    this.env = { ...process.env, ...NO_EGRESS, DOCKER_HOST: `unix://${this.sock}`, DOCKER_CONFIG: join(d, 'client') };
    for (let t = 0; t < 60_000; t += 250) {
      if (this.proc.exitCode !== null) break;
      if (existsSync(this.sock) && spawnSync(DOCKER, ['version'], { env: this.env, stdio: 'ignore' }).status === 0) return this;
      await sleep(250);
    }
    const tail = readFileSync(this.log, 'utf8').trim().split('\n').slice(-3).join(' | ');
    await this.stop().catch(() => {});
    throw new Error(`dockerd did not come up: ${tail}`);
  }

  docker(args) { return sh([DOCKER, ...args], { env: this.env }); }

  /** argv of docker-compose for a project (runs in the host netns: it only talks to the socket). */
  compose(project, file) { return [COMPOSE, '-p', project, '-f', file]; }

  loadImage(tar) { this.docker(['load', '-i', tar]); }

  versions() {
    return {
      engine: `dockerd ${this.docker(['version', '-f', '{{.Server.Version}}']).trim()}`,
      compose: sh([COMPOSE, 'version', '--short']).trim(),
    };
  }

  /** Removes containers and networks, stops dockerd and its containerd, then every trace on the host. */
  async stop() {
    const problems = [];
    if (this.proc && this.proc.exitCode === null) {
      try {
        const ids = this.docker(['ps', '-aq']).split('\n').filter(Boolean);
        if (ids.length) this.docker(['rm', '-f', ...ids]);
        this.docker(['network', 'prune', '-f']);
      } catch (e) { problems.push(e.message); }
      this.proc.kill('SIGTERM');
      await Promise.race([this.exited, sleep(20_000)]);
    }
    await this.box.killAll().catch((e) => problems.push(e.message));
    for (const cg of hostSnapshot([this.cgroupParent]).cgroups) removeCgroupTree(cg);
    this.box.destroy();
    this.paths.forget();
    const leaks = hostDiff(this.before, hostSnapshot([this.box.dir, this.cgroupParent]));
    if (this.paths.present().length) leaks.paths = this.paths.present();
    if (Object.keys(leaks).length) problems.push(`left on the host: ${JSON.stringify(leaks)}`);
    if (problems.length) throw new Error(`docker teardown: ${problems.join('; ')}`);
  }
}
