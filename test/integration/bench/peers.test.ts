// The bench's peer sandboxes (bench/peers/): a private network namespace whose
// processes are found and killed, host paths put back as they were, and the
// private dockerd and podman (when installed: they are the bench's peers,
// not needed by berth) started, used and stopped without leaving anything on
// the host, and unable to pull from anywhere but a closed loopback port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { berthBin, isRoot, repoRoot, tempDir } from '../../helpers/env.js';

interface Sandbox { dir: string; netnsFile: string; wrap(argv: string[]): string[]; pids(): number[]; killAll(ms?: number): Promise<void>; destroy(): void }
interface HostPaths { forget(): void; present(): string[] }
interface Engine { env: NodeJS.ProcessEnv; box: Sandbox; start(): Promise<Engine>; stop(): Promise<void>; loadImage(tar: string): void }
interface Docker extends Engine { docker(args: string[]): string }
interface Podman extends Engine { podman(args: string[]): string }

const mod = async <T>(p: string): Promise<T> => (await import(pathToFileURL(join(repoRoot, 'bench/peers', p)).href)) as T;
const skip = isRoot ? false : 'needs root (network namespaces)';
const IMAGE = 'berth-examples/busybox:latest';

test('a sandbox finds and kills exactly the processes in its netns, then leaves nothing', { skip }, async () => {
  const { Sandbox } = await mod<{ Sandbox: new (l: string) => Sandbox }>('sandbox.mjs');
  const box = new Sandbox('test');
  try {
    const argv = box.wrap(['sleep', '60']);
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: 'ignore' });
    const gone = new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 50 && !box.pids().length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(box.pids(), [child.pid]);
    assert.ok(!box.pids().includes(process.pid));
    const links = spawnSync('nsenter', [`--net=${box.netnsFile}`, 'ip', '-o', 'link'], { encoding: 'utf8' }).stdout;
    assert.match(links, /^1: lo: .*UP/);
    await box.killAll(2000);
    await gone;
    assert.deepEqual(box.pids(), []);
  } finally {
    await box.killAll(500);
    box.destroy();
  }
  assert.equal(existsSync(box.dir), false);
  assert.doesNotMatch(spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).stdout, new RegExp(box.dir));
});

test('host paths: absent ones removed, shared dirs only when empty, files restored', async () => {
  const { HostPaths } = await mod<{ HostPaths: new (e: { path: string; mode: string }[]) => HostPaths }>('sandbox.mjs');
  const t = tempDir('berth-bench-paths-');
  try {
    const p = (n: string) => join(t.path, n);
    writeFileSync(p('kept.db'), 'before');
    const paths = new HostPaths([
      { path: p('tree'), mode: 'tree' }, { path: p('busy'), mode: 'empty' }, { path: p('idle'), mode: 'empty' },
      { path: p('kept.db'), mode: 'restore' }, { path: p('new.db'), mode: 'restore' },
    ]);
    mkdirSync(p('tree/sub'), { recursive: true });
    writeFileSync(p('tree/sub/f'), 'x');
    mkdirSync(p('busy'));
    writeFileSync(p('busy/someone-else'), 'x');
    mkdirSync(p('idle'));
    writeFileSync(p('kept.db'), 'after');
    writeFileSync(p('new.db'), 'x');
    assert.deepEqual(paths.present(), [p('tree'), p('new.db')]);
    paths.forget();
    assert.equal(existsSync(p('tree')), false);
    assert.equal(existsSync(p('busy/someone-else')), true);
    assert.equal(existsSync(p('idle')), false);
    assert.equal(readFileSync(p('kept.db'), 'utf8'), 'before');
    assert.equal(existsSync(p('new.db')), false);
    assert.deepEqual(paths.present(), []);
  } finally {
    t.cleanup();
  }
});

/** berth's busybox image as a docker-archive, made offline. */
function busyboxTar(dir: string): string {
  const root = join(dir, 'root');
  const made = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', root], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const tar = join(dir, 'busybox.tar');
  const saved = spawnSync(process.execPath, [berthBin, '--root', root, 'image', 'save', '-o', tar, IMAGE], { encoding: 'utf8' });
  assert.equal(saved.status, 0, saved.stderr);
  return tar;
}

const dockerSkip = async () => skip || (await mod<{ dockerUnavailable(): string | null }>('docker-engine.mjs')).dockerUnavailable() || false;
const podmanSkip = async () => skip || (await mod<{ podmanUnavailable(): string | null }>('podman-engine.mjs')).podmanUnavailable() || false;

test('the private dockerd runs a container, cannot pull, and stops leaving nothing', { skip: await dockerSkip() }, async () => {
  const { DockerEngine } = await mod<{ DockerEngine: new () => Docker }>('docker-engine.mjs');
  const t = tempDir('berth-bench-docker-test-');
  const engine = new DockerEngine();
  try {
    const tar = busyboxTar(t.path);
    await engine.start();
    engine.loadImage(tar);
    engine.docker(['run', '-d', '--init', '--name', 'bench-test', IMAGE, 'sleep', '60']);
    assert.equal(engine.docker(['inspect', '-f', '{{.State.Running}}', 'bench-test']).trim(), 'true');
    const pid = Number(engine.docker(['inspect', '-f', '{{.State.Pid}}', 'bench-test']));
    assert.ok(engine.box.pids().includes(pid), 'the container, under the shim in the sandbox netns, is found');
    assert.throws(() => engine.docker(['pull', 'berth-bench-absent/none:latest']), /127\.0\.0\.1:9/);
  } finally {
    await engine.stop(); // throws when anything is left on the host
    t.cleanup();
  }
  assert.equal(existsSync(engine.box.dir), false);
});

test('the private podman runs a container, cannot pull, and stops leaving nothing', { skip: await podmanSkip() }, async () => {
  const { PodmanEngine } = await mod<{ PodmanEngine: new () => Podman }>('podman-engine.mjs');
  const t = tempDir('berth-bench-podman-test-');
  const engine = new PodmanEngine();
  try {
    const tar = busyboxTar(t.path);
    await engine.start();
    engine.loadImage(tar);
    engine.podman(['run', '-d', '--init', '--name', 'bench-test', IMAGE, 'sleep', '60']);
    assert.equal(engine.podman(['inspect', '-f', '{{.State.Running}}', 'bench-test']).trim(), 'true');
    const pid = Number(engine.podman(['inspect', '-f', '{{.State.Pid}}', 'bench-test']));
    assert.ok(engine.box.pids().includes(pid), 'the container, under conmon in the sandbox netns, is found');
    assert.throws(() => engine.podman(['pull', 'docker.io/berth-bench-absent/none:latest']), /blocked/);
    assert.equal(engine.env.HTTPS_PROXY, 'http://127.0.0.1:9');
  } finally {
    await engine.stop();
    t.cleanup();
  }
  assert.equal(existsSync(engine.box.dir), false);
});
