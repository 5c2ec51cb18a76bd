// Compose service options, end to end in real containers: user, env,
// working_dir, mounts, read_only, tmpfs, restart policy, healthcheck and
// log rotation (the last three are carried out by berth-shim).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Containers, inspect } from '../../../src/container/index.js';
import type { ContainerSpecInput } from '../../../src/container/types.js';
import { statePaths } from '../../../src/state/paths.js';
import { readConfig } from '../../../src/config.js';
import { binaries } from '../../../src/container/paths.js';
import { mount, MS as MSF, umount2 } from '../../../src/native/mount.js';
import { isRoot, nativeOut, repoRoot, tempDir } from '../../helpers/env.js';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';

const shim = process.env.BERTH_SHIM ?? join(nativeOut, 'berth-shim');
// berth-runtime, the product's runtime, unless BERTH_RUNTIME names another
// (e.g. /usr/sbin/runc, the reference: the suite passes on both).
const runtime = process.env.BERTH_RUNTIME ?? join(nativeOut, 'berth-runtime');
const bin = { ...binaries(readConfig(process.env)), shim, runtime };
const S = 1_000_000_000;
const MS = 1_000_000;

const logText = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { log: string }).log).join('') : '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, f: () => T | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('container options (root)', { skip: !isRoot || !existsSync(shim) ? 'needs root and native/out/berth-shim' : false, concurrency: 3 }, () => {
  const tmp = tempDir('berth-opt-');
  const layers = join(tmp.path, 'layers');
  const c = new Containers(statePaths(join(tmp.path, 'state'), {}), bin);
  const made: string[] = [];

  before(() => {
    mkdirSync(join(layers, 'bb'), { recursive: true });
    makeBusyboxRootfs(join(layers, 'bb'));
    // A second layer on top, to prove the layer order.
    mkdirSync(join(layers, 'app/etc'), { recursive: true });
    writeFileSync(join(layers, 'app/etc/motd'), 'from the top layer\n');
  });
  after(async () => {
    for (const id of made) await c.remove(id, { force: true }).catch((e) => console.error(`cleanup ${id}: ${(e as Error).message}`));
    tmp.cleanup();
  });

  function input(cmd: string[], over: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
    const id = randomBytes(32).toString('hex');
    made.push(id);
    return {
      id, name: `o-${id.slice(0, 8)}`,
      image: { ref: 'busybox:test', config: { Cmd: cmd, Env: ['PATH=/bin', 'FROM_IMAGE=1', 'OVERRIDE=image'], WorkingDir: '/tmp' } },
      rootfs: { base: layers, lower: ['app', 'bb'] },
      network: { mode: 'none' },
      stopGracePeriod: 1 * S,
      ...over,
    };
  }

  async function runToEnd(inp: ContainerSpecInput): Promise<{ code: number; out: string }> {
    const rec = await c.create(inp);
    await c.start(rec.id);
    const w = await c.wait(rec.id, { timeoutMs: 20_000 });
    const out = logText(rec.logPath);
    await c.remove(rec.id);
    return { code: w.exitCode, out };
  }

  it('user, environment, working_dir and layer order', async () => {
    const { code, out } = await runToEnd(input(['sh', '-c', 'id; pwd; echo $FROM_IMAGE $OVERRIDE $SVC $HOME; cat /etc/motd'], {
      user: 'app', environment: { OVERRIDE: 'service', SVC: 'yes' }, workingDir: '/home/app',
    }));
    assert.equal(code, 0);
    assert.equal(out, 'uid=1000(app) gid=1000(app) groups=2000(extra)\n/home/app\n1 service yes /home/app\nfrom the top layer\n');
  });

  it('read_only root with tmpfs, bind mounts (ro and rw) and a tmpfs mount', async () => {
    const host = join(tmp.path, 'hostdir');
    mkdirSync(host);
    writeFileSync(join(host, 'in'), 'host data\n');
    const { code, out } = await runToEnd(input(['sh', '-c',
      'touch /x 2>/dev/null && echo root-rw || echo root-ro; echo t > /run/t && echo tmpfs-ok; cat /data/in; echo w > /data/out || echo data-ro; echo w > /rw/out && echo rw-ok; echo c > /cache/c && echo cache-ok; hostname; cat /etc/hostname'], {
      readOnly: true, tmpfs: ['/run:size=1m'], hostname: 'ro-box',
      mounts: [
        { type: 'bind', source: host, target: '/data', readOnly: true },
        { type: 'volume', source: host, target: '/rw' },
        { type: 'tmpfs', target: '/cache', size: 1 << 20 },
      ],
    }));
    assert.equal(code, 0);
    assert.equal(out.replace(/^sh: .*\n/gm, ''), 'root-ro\ntmpfs-ok\nhost data\ndata-ro\nrw-ok\ncache-ok\nro-box\nro-box\n');
    assert.equal(readFileSync(join(host, 'out'), 'utf8'), 'w\n');
  });

  it('privileged: may mount, sees host devices; the default may not', async () => {
    const cmd = ['sh', '-c', 'mkdir -p /mnt/t; mount -t tmpfs t /mnt/t 2>/dev/null && echo mounted || echo denied; test -c /dev/kmsg && echo kmsg || echo no-kmsg'];
    assert.equal((await runToEnd(input(cmd, { privileged: true }))).out, 'mounted\nkmsg\n');
    assert.equal((await runToEnd(input(cmd))).out, 'denied\nno-kmsg\n');
  });

  it('network: joins a prepared netns by path; none has only loopback', async () => {
    // A netns of our own, pinned by a bind mount (as the network layer does), with a veth pair inside it to recognise it.
    const nsFile = join(tmp.path, 'netns-test');
    writeFileSync(nsFile, '');
    const holder = spawn('unshare', ['-n', 'sleep', '30'], { stdio: 'ignore' });
    try {
      const nsPath = `/proc/${holder.pid}/ns/net`;
      const { readlinkSync } = await import('node:fs');
      await until('new netns', () => { try { return readlinkSync(nsPath) !== readlinkSync('/proc/self/ns/net'); } catch { return false; } });
      await mount(nsPath, nsFile, null, MSF.BIND);
    } finally {
      holder.kill('SIGKILL');
    }
    try {
      execFileSync('nsenter', [`--net=${nsFile}`, 'ip', 'link', 'add', 'berthv0', 'type', 'veth', 'peer', 'name', 'berthv1']);
      const joined = await runToEnd(input(['sh', '-c', 'cat /proc/net/dev | cut -d: -f1 | tr -d " " | tail -n +3 | sort'], { network: { mode: 'netns', path: nsFile } }));
      assert.equal(joined.out, 'berthv0\nberthv1\nlo\n');
      const none = await runToEnd(input(['sh', '-c', 'cat /proc/net/dev | cut -d: -f1 | tr -d " " | tail -n +3 | sort']));
      assert.equal(none.out, 'lo\n');
    } finally {
      await umount2(nsFile, 0);
    }
  });

  it('restart on-failure:2 restarts twice, then stays exited', async () => {
    const rec = await c.create(input(['sh', '-c', 'echo run; exit 2'], { restart: 'on-failure:2' }));
    await c.start(rec.id);
    const w = await c.wait(rec.id, { timeoutMs: 20_000 });
    assert.equal(w.exitCode, 2);
    assert.equal(inspect(c, rec.id).RestartCount, 2);
    assert.equal(logText(rec.logPath), 'run\nrun\nrun\n');
    await c.remove(rec.id);
  });

  it('healthcheck: starting → healthy, and unhealthy when the test fails', async () => {
    const hc = { interval: 200 * MS, timeout: 2 * S, retries: 2, startInterval: 100 * MS };
    const good = await c.create(input(['sh', '-c', 'touch /tmp/ok; while true; do sleep 0.1; done'], { healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/ok'], ...hc } }));
    const bad = await c.create(input(['sh', '-c', 'while true; do sleep 0.1; done'], { healthcheck: { test: ['CMD', 'false'], ...hc } }));
    await c.start(good.id);
    await c.start(bad.id);
    await until('healthy', () => inspect(c, good.id).State.Health?.Status === 'healthy');
    const h = await until('unhealthy', () => { const x = inspect(c, bad.id).State.Health; return x?.Status === 'unhealthy' && x; });
    assert.ok(h.FailingStreak >= 2);
    assert.equal(h.Log.at(-1)!.ExitCode, 1);
    await c.remove(good.id, { force: true });
    await c.remove(bad.id, { force: true });
  });

  it('attach: stdin_open input reaches the container and its output comes back', async () => {
    const rec = await c.create(input(['sh', '-c', 'echo ready; read x; echo got:$x; sleep 0.3'], { stdinOpen: true }));
    await c.start(rec.id);
    const sock = await c.attach(rec.id);
    let out = '';
    sock.setEncoding('utf8').on('data', (d: string) => (out += d));
    sock.write('hello\n');
    await until('echo back', () => out.includes('got:hello'));
    sock.destroy();
    assert.equal((await c.wait(rec.id, { timeoutMs: 10_000 })).exitCode, 0);
    assert.match(logText(rec.logPath), /got:hello/);
    await c.remove(rec.id);
  });

  it('tty: the container gets a terminal that resize reaches; exec --tty passes a terminal through', async () => {
    const rec = await c.create(input(['sh', '-c', 'tty; sleep 1; stty size; sleep 30'], { tty: true, stdinOpen: true }));
    await c.start(rec.id);
    await until('the terminal name', () => /^\/dev\/pts\/\d+/.test(logText(rec.logPath)));
    await c.resize(rec.id, 33, 101);
    await until('stty size', () => /33 101/.test(logText(rec.logPath)));
    assert.match(logText(rec.logPath), /^\/dev\/pts\/\d+/);

    // exec -it: the runtime inherits this process's stdio; `script` gives it a terminal.
    const script = [
      `import { Containers, exec } from ${JSON.stringify(join(repoRoot, 'dist/src/container/index.js'))};`,
      `import { statePaths } from ${JSON.stringify(join(repoRoot, 'dist/src/state/paths.js'))};`,
      `const c = new Containers(statePaths(${JSON.stringify(join(tmp.path, 'state'))}, {}), ${JSON.stringify(bin)});`,
      `const r = await exec(c, ${JSON.stringify(rec.id)}, ['sh', '-c', 'tty && echo exec-ok'], { tty: true, stdio: 'inherit' });`,
      'process.exit(r.exitCode);',
    ].join('\n');
    const js = join(tmp.path, 'exec-tty.mjs');
    writeFileSync(js, script);
    const r = spawnSync('script', ['-qec', `${process.execPath} ${js}`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+\r?\nexec-ok/);
    await c.remove(rec.id, { force: true });
  });

  it('log rotation at max-size into max-file files', async () => {
    const rec = await c.create(input(['sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done'], { logging: { maxSize: 2000, maxFile: 3 } }));
    await c.start(rec.id);
    await c.wait(rec.id, { timeoutMs: 20_000 });
    assert.ok(existsSync(`${rec.logPath}.1`) && existsSync(`${rec.logPath}.2`));
    assert.ok(!existsSync(`${rec.logPath}.3`));
    for (const f of [rec.logPath, `${rec.logPath}.1`]) assert.ok(readFileSync(f).length <= 2000 + 200, f);
    assert.match(logText(rec.logPath), /line 199 /);
    await c.remove(rec.id);
    assert.ok(!existsSync(`${rec.logPath}.1`));
  });
});
