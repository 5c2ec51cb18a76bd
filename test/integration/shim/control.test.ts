// berth-shim control socket: status, kill, pause/resume, attach with stdin,
// a terminal (--tty) with resize, and bad requests.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRoot, tempDir } from '../../helpers/env.js';
import { ShimCase, cgroupName, makeRootfs, shimBin } from './harness.js';

const skip = !isRoot ? 'needs root' : !existsSync(shimBin) ? 'berth-shim not built' : false;

describe('berth-shim control socket', { skip }, () => {
  const shared = tempDir('berth-shim-rootfs-');
  let rootfs = '';
  before(() => { rootfs = makeRootfs(shared.path); });
  after(() => shared.cleanup());

  test('status, bad requests, pause/resume, kill (no restart after a kill)', async () => {
    const c = new ShimCase(rootfs);
    try {
      const report = await c.start({ args: ['sleep', '60'], extra: ['--restart', 'always'] });
      const pid = Number(report.split(' ')[1]);
      const status = await c.ctl({ op: 'status' });
      assert.equal(status.ok, true);
      assert.equal(status.state.status, 'running');
      assert.equal(status.state.pid, pid);
      assert.deepEqual(await c.ctl({ op: 'dance' }), { ok: false, error: 'unknown op "dance"' });
      assert.deepEqual(await c.ctl({ op: 'kill', signal: 'SIGNOPE' }), { ok: false, error: 'unknown signal SIGNOPE' });
      assert.equal((await c.ctl({ op: 'resize', rows: 10, cols: 10 })).ok, false);

      assert.deepEqual(await c.ctl({ op: 'pause' }), { ok: true });
      assert.equal(c.state().status, 'paused');
      const freezer = `/sys/fs/cgroup/freezer${cgroupName(c.id)}/freezer.state`;
      if (existsSync(freezer)) assert.equal(readFileSync(freezer, 'utf8').trim(), 'FROZEN');
      assert.equal((await c.ctl({ op: 'pause' })).ok, false);
      assert.deepEqual(await c.ctl({ op: 'resume' }), { ok: true });
      assert.equal(c.state().status, 'running');

      assert.deepEqual(await c.ctl({ op: 'kill', signal: 'KILL' }), { ok: true });
      const st = await c.waitFor((s) => s.status === 'exited', 'exit after kill');
      assert.equal(st.exitCode, 137);
      assert.equal(st.restartCount, 0, 'a killed container is not restarted');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('hostile requests get one error line and leave the shim serving', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sleep', '60'] });
      const raw = (text: string) => new Promise<string>((resolve) => {
        const sock = connect(c.socket);
        let out = '';
        sock.setEncoding('utf8');
        sock.on('connect', () => sock.end(text));
        sock.on('data', (d: string) => { out += d; });
        sock.on('close', () => resolve(out));
        sock.on('error', (e) => resolve(`${out}<${e.message}>`));
      });
      const bad = '{"ok":false,"error":"bad request: expected one JSON object"}\n';
      assert.equal(await raw('{"op":\n'), bad);
      assert.equal(await raw('[1,2,3]\n'), bad);
      assert.equal(await raw('{"op":"status","x":' + '['.repeat(100) + ']'.repeat(100) + '}\n'), bad, 'nesting limit');
      assert.equal(await raw('x'.repeat(2000)), '{"ok":false,"error":"request too long"}\n');
      assert.equal(await raw('{"op":"stop","timeout":-1}\n'), '{"ok":false,"error":"bad timeout"}\n');
      assert.equal(await raw('{"op":"kill","signal":99}\n'), '{"ok":false,"error":"unknown signal 99"}\n');
      // Unicode escapes and a request ended by the client's end of output, not a newline.
      assert.match(await raw('{"op":"st\\u0061tus"}'), /^\{"ok":true,"state":\{"id":/);
      // All 16 slots taken (attached clients hold theirs): the next connection is refused, politely.
      const attach = () => new Promise<Socket>((resolve, reject) => {
        const k = connect(c.socket);
        k.setEncoding('utf8');
        k.on('connect', () => k.write('{"op":"attach"}\n'));
        k.once('data', (d: string) => (/^\{"ok":true,"logSize":\d+\}\n$/.test(d) ? resolve(k) : reject(new Error(d))));
        k.on('error', reject);
      });
      const socks = [];
      for (let i = 0; i < 16; i++) socks.push(await attach());
      const refused = await new Promise<string>((resolve) => {
        const k = connect(c.socket);
        let out = '';
        k.setEncoding('utf8');
        k.on('data', (d: string) => { out += d; });
        k.on('close', () => resolve(out));
        k.on('error', () => resolve(out));
      });
      assert.equal(refused, '{"ok":false,"error":"too many connections"}\n');
      socks.forEach((k) => k.destroy());
      // The slots free up as the shim sees those connections close.
      let st: any = { ok: false };
      for (let i = 0; i < 100 && !st.ok; i++) {
        await sleep(20);
        st = await c.ctl({ op: 'status' }).catch(() => ({ ok: false }));
      }
      assert.equal(st.state.status, 'running');
      await c.ctl({ op: 'stop', timeout: 0 });
      await c.waitShimGone(c.state().shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('attach copies output and feeds stdin (--stdin)', async () => {
    const c = new ShimCase(rootfs);
    try {
      assert.match(await c.start({ args: ['sh', '-c', 'while read l; do echo "got $l"; done; echo bye'], extra: ['--stdin'] }), /^ok /);
      const sock = connect(c.socket);
      let out = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => { out += d; });
      await new Promise((resolve, reject) => { sock.on('connect', resolve); sock.on('error', reject); });
      sock.write('{"op":"attach"}\n');
      while (!out.includes('\n')) await sleep(10);
      assert.equal(out, '{"ok":true,"logSize":0}\n', 'nothing was logged before the attach');
      sock.write('hello\nworld\n');
      while (!out.includes('got world')) await sleep(10);
      assert.equal(out, '{"ok":true,"logSize":0}\ngot hello\ngot world\n');
      sock.destroy();
      await c.ctl({ op: 'stop', timeout: 0 });
      assert.deepEqual(c.log().map((e) => e.log), ['got hello\n', 'got world\n']);
      await c.waitShimGone(c.state().shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('random request fragments: exactly one JSON reply each, shim unharmed', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sleep', '60'] });
      const pieces = ['{', '}', '[', ']', '"', '\\', '\\u', 'd834', '\\ud834\\udd1e', ':', ',', 'op', '"op"', '"status"', '"signal"',
        '"timeout"', '1e999', '-0', 'null', 'true', '\n', '\u0000', 'é', '\xff', '"resize"', '"rows"', '99999999999999999999', ' '];
      let seed = 42;
      const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      for (let i = 0; i < 300; i++) {
        let req = '';
        for (let j = rand(30) + 1; j > 0; j--) req += pieces[rand(pieces.length)];
        const got = await new Promise<string>((resolve) => {
          const k = connect(c.socket);
          let out = '';
          k.on('connect', () => k.end(req));
          k.on('data', (d) => { out += d; });
          k.on('close', () => resolve(out));
          k.on('error', () => resolve(out));
        });
        assert.match(got, /^\{"ok":(true|false)[^\n]*\}\n$/, `reply to ${JSON.stringify(req)}`);
      }
      assert.equal((await c.ctl({ op: 'status' })).state.status, 'running');
      await c.ctl({ op: 'stop', timeout: 0 });
      await c.waitShimGone(c.state().shimPid);
    } finally {
      c.close();
    }
  });

  test('attach clients that go away free their slots, even with no output', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ args: ['sleep', '60'] });
      const attach = () => new Promise<Socket>((resolve, reject) => {
        const k = connect(c.socket);
        k.setEncoding('utf8');
        k.on('connect', () => k.write('{"op":"attach"}\n'));
        k.once('data', (d: string) => (/^\{"ok":true,"logSize":\d+\}\n$/.test(d) ? resolve(k) : reject(new Error(d))));
        k.on('error', reject);
      });
      const socks = [];
      for (let i = 0; i < 16; i++) socks.push(await attach());
      socks.forEach((k) => k.destroy());
      let st: any = { ok: false };
      for (let i = 0; i < 100 && !st.ok; i++) {
        await sleep(20);
        st = await c.ctl({ op: 'status' }).catch(() => ({ ok: false }));
      }
      assert.equal(st.state?.status, 'running');
      await c.ctl({ op: 'stop', timeout: 0 });
      await c.waitShimGone(c.state().shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('--tty --stdin: attach drives an interactive shell', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ tty: true, args: ['sh'], extra: ['--stdin'] });
      const sock = await new Promise<Socket>((resolve, reject) => {
        const k = connect(c.socket);
        k.on('connect', () => resolve(k));
        k.on('error', reject);
      });
      let out = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => { out += d; });
      sock.write('{"op":"attach"}\n');
      while (!out.includes('\n')) await sleep(10);
      sock.write('echo via-$((6*7))\n');
      while (!out.includes('via-42')) await sleep(10);
      sock.write('exit 5\n');
      const st = await c.waitFor((s) => s.status === 'exited', 'the shell exits');
      assert.equal(st.exitCode, 5);
      sock.destroy();
      assert.ok(c.log().some((e) => e.log.includes('via-42')), 'terminal output is logged too');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });

  test('--tty: a terminal, logged as stdout, resizable', async () => {
    const c = new ShimCase(rootfs);
    try {
      await c.startOk({ tty: true, args: ['sh', '-c', 'echo tty:$(test -t 0 && echo yes); while :; do stty size; sleep 0.1; done'] });
      assert.deepEqual(await c.ctl({ op: 'resize', rows: 33, cols: 111 }), { ok: true });
      await c.waitFor(() => c.log().some((e) => e.log.includes('33 111')), 'the new size seen inside');
      const log = c.log();
      assert.equal(log[0].log, 'tty:yes\r\n');
      assert.ok(log.every((e) => e.stream === 'stdout'));
      await c.ctl({ op: 'stop', timeout: 0 });
      await c.waitShimGone(c.state().shimPid);
      assert.deepEqual(c.leftovers(), []);
    } finally {
      c.close();
    }
  });
});
