// OCI conformance items from the runtime-tools validation suite, checked on
// the same bundles under berth-runtime, runc and crun: the state hooks read
// on stdin, joining a mount or UTS namespace by path, and linux.mountLabel on a host
// without SELinux (ignored, as crun does), the v1 kernelTCP memory limit.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

const sh = (script: string) => defaultConfig(['sh', '-c', script]);

describe('OCI conformance: hooks, mount namespace by path, mountLabel', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(); });
  after(() => h?.cleanup());

  test('runs against both reference runtimes', () => {
    for (const ref of ['runc', 'crun']) assert.ok(h.runtimes.some((r) => r.name === ref), `${ref} is not installed`);
  });

  test('prestart and createRuntime read status created, poststart running, poststop stopped', () => {
    const log = join(h.dir, 'hook-state.log');
    writeFileSync(log, '');
    // Each hook keeps the whole state object: the status and the pid are checked.
    const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `{ printf '${name} '; cat; echo; } >> ${log}`] });
    const c = sh('true');
    c.hooks = { prestart: [hook('prestart')], createRuntime: [hook('createRuntime')], poststart: [hook('poststart')], poststop: [hook('poststop')] };
    const r = h.berth.run(['run', '--bundle', h.bundle(c), h.id(h.berth)]);
    assert.equal(r.status, 0, r.stderr);
    const states = readFileSync(log, 'utf8').trim().split('\n').map((l) => {
      const sp = l.indexOf(' ');
      return { hook: l.slice(0, sp), state: JSON.parse(l.slice(sp + 1)) as { status: string; pid?: number; ociVersion: string } };
    });
    assert.deepEqual(states.map((s) => `${s.hook} ${s.state.status}`), ['prestart created', 'createRuntime created', 'poststart running', 'poststop stopped']);
    const pids = new Set(states.filter((s) => s.hook !== 'poststop').map((s) => s.state.pid));
    assert.equal(pids.size, 1, 'every hook before the exit sees the container\'s pid');
    assert.ok([...pids][0]! > 0);
  });

  test('joining a mount namespace by path', async () => {
    // A throwaway mount namespace held by a sleeping process; each runtime sets its rootfs up in it.
    const holders: ChildProcess[] = [];
    try {
      for (const rt of h.runtimes) {
        const holder = spawn('unshare', ['-m', '--propagation', 'private', 'sleep', '60'], { stdio: 'ignore' });
        holders.push(holder);
        const nsPath = `/proc/${holder.pid}/ns/mnt`;
        const own = readlinkSync('/proc/self/ns/mnt');
        for (const end = Date.now() + 5000; readlinkSync(nsPath) === own;) {
          if (Date.now() > end) throw new Error('unshare did not make its mount namespace');
          await new Promise((r) => setTimeout(r, 10));
        }
        const c = sh('readlink /proc/self/ns/mnt; echo ok');
        c.linux.namespaces = (c.linux.namespaces as Array<{ type: string; path?: string }>).map((n) => (n.type === 'mount' ? { type: 'mount', path: nsPath } : n));
        const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
        assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
        assert.equal(r.stdout, `${readlinkSync(nsPath)}\nok\n`, rt.name);
      }
    } finally {
      for (const p of holders) p.kill('SIGKILL');
    }
  });

  test('joining a UTS namespace by path: the hostname is set in it', async () => {
    const holders: ChildProcess[] = [];
    const hostBefore = hostname();
    try {
      for (const rt of h.runtimes) {
        const holder = spawn('unshare', ['-u', 'sleep', '60'], { stdio: 'ignore' });
        holders.push(holder);
        const nsPath = `/proc/${holder.pid}/ns/uts`;
        const own = readlinkSync('/proc/self/ns/uts');
        for (const end = Date.now() + 5000; readlinkSync(nsPath) === own;) {
          if (Date.now() > end) throw new Error('unshare did not make its UTS namespace');
          await new Promise((r) => setTimeout(r, 10));
        }
        const c = sh('hostname');
        c.hostname = `joined-${rt.name}`;
        c.linux.namespaces = (c.linux.namespaces as Array<{ type: string; path?: string }>).map((n) => (n.type === 'uts' ? { type: 'uts', path: nsPath } : n));
        const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
        assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
        assert.equal(r.stdout, `joined-${rt.name}\n`, rt.name);
        assert.equal(hostname(), hostBefore, 'the host keeps its name');
      }
    } finally {
      for (const p of holders) p.kill('SIGKILL');
    }
  });

  test('linux.mountLabel on a host without SELinux is ignored', (t) => {
    if (existsSync('/sys/fs/selinux/enforce')) { t.skip('SELinux is enabled here'); return; }
    const c = sh('echo ran');
    c.linux.mountLabel = 'system_u:object_r:container_file_t:s0:c1,c2';
    const bundle = h.bundle(c);
    // runc 1.1 passes the label on as a context= mount option, which the kernel refuses without SELinux.
    const runtimes = h.runtimes.filter((rt) => rt.name !== 'runc');
    assert.ok(runtimes.some((rt) => rt.name === 'crun'), 'crun is the reference here');
    for (const rt of runtimes) {
      const r = rt.run(['run', '--bundle', bundle, h.id(rt)]);
      assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
      assert.equal(r.stdout, 'ran\n', rt.name);
    }
  });

  test('memory.kernelTCP sets the v1 TCP buffer limit', (t) => {
    if (!existsSync('/sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes')) { t.skip('no v1 kmem.tcp accounting'); return; }
    const c = sh('cat /sys/fs/cgroup/memory/memory.kmem.tcp.limit_in_bytes');
    c.linux.resources.memory = { limit: 128 << 20, kernelTCP: 50593792 };
    const bundle = h.bundle(c);
    // runc 1.1 ignores kernel memory limits; crun sets them
    for (const rt of h.runtimes.filter((x) => x.name !== 'runc')) {
      const r = rt.run(['run', '--bundle', bundle, h.id(rt)]);
      assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
      assert.equal(r.stdout, '50593792\n', rt.name);
    }
  });

  test('start returns once the process is exec\'d (a signal sent next reaches it, not the runtime)', () => {
    const rt = h.berth;
    // A slow startContainer hook (run by the init between start and the exec) widens the window.
    const c = defaultConfig(['sleep', '30']);
    c.hooks = { startContainer: [{ path: '/bin/sleep', args: ['sleep', '0.3'] }] };
    const bundle = h.bundle(c);
    const id = h.id(rt);
    assert.equal(rt.run(['create', '--bundle', bundle, id]).status, 0);
    const pid = h.state(rt, id)!.pid;
    assert.equal(rt.run(['start', id]).status, 0);
    assert.equal(readFileSync(`/proc/${pid}/comm`, 'utf8'), 'sleep\n');
    rt.run(['delete', '--force', id]);
  });
});
