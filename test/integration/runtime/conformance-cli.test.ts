// The runc-compatible command line against runc: process.terminal with
// --console-socket (the pty master arrives over SCM_RIGHTS and is the
// container's terminal, with consoleSize), the default bundle (the current
// directory), a relative --pid-file, kill on a created container, signal 0.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot, shortId } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

// Node cannot receive file descriptors; python3 (scripts/host-packages.txt) can.
const RECV_CONSOLE = `
import socket, sys, os, select, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 4)
print("fds", len(fds), flush=True)
os.write(fds[0], b"typed-in\\n")
out = b""
end = time.time() + 10
while time.time() < end and b"DONE" not in out:
    r, _, _ = select.select([fds[0]], [], [], 0.5)
    if r:
        try: d = os.read(fds[0], 4096)
        except OSError: break
        if not d: break
        out += d
print(out.decode().replace("\\r", ""), flush=True)
`;

const havePython = spawnSync('python3', ['-c', 'import socket; socket.recv_fds'], { stdio: 'ignore' }).status === 0;

describe('berth-runtime command line conformance (against runc)', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  test('terminal: the pty master over --console-socket', { skip: !havePython && 'python3 missing' }, async () => {
    const c = defaultConfig(['sh', '-c', 'read x; echo "got $x"; tty; stty size; echo DONE; sleep 0.2']);
    c.process.terminal = true;
    c.process.consoleSize = { height: 30, width: 100 };
    const bundle = h.bundle(c);
    const outputs: string[] = [];
    for (const rt of h.runtimes) {
      const sock = join(h.dir, `console-${rt.name}-${shortId(6)}.sock`);
      const py = spawn('python3', ['-c', RECV_CONSOLE, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
      const closed = new Promise((r) => py.on('close', r));
      let out = '';
      py.stdout.on('data', (d) => { out += d; });
      try {
        for (let i = 0; i < 200 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 25));
        const id = h.id(rt);
        const cr = rt.run(['create', '--bundle', bundle, '--console-socket', sock, id]);
        assert.equal(cr.status, 0, `${rt.name}: ${cr.stderr}`);
        assert.equal(rt.run(['start', id]).status, 0);
        await closed;
        await h.waitStatus(rt, id, 'stopped');
        assert.equal(rt.run(['delete', id]).status, 0);
        outputs.push(out);
      } finally {
        py.kill('SIGKILL');
      }
    }
    assert.equal(outputs[0], 'listening\nfds 1\ntyped-in\ngot typed-in\n/dev/pts/0\n30 100\nDONE\n\n');
    if (outputs.length === 2) assert.equal(outputs[0], outputs[1], 'berth vs runc');
  });

  test('terminal without --console-socket at create is an error', () => {
    const c = defaultConfig(['true']);
    c.process.terminal = true;
    const rt = h.berth;
    const id = h.id(rt);
    const r = rt.run(['create', '--bundle', h.bundle(c), id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--console-socket is required/);
    assert.equal(h.state(rt, id), null);
  });

  test('default bundle, relative --pid-file, kill of a created container, signal 0', async () => {
    const bundle = h.bundle(defaultConfig(['sleep', '30']));
    for (const rt of h.runtimes) {
      const id = h.id(rt);
      const cwd = bundle;
      const pidName = `${id}.pid`;
      const r = spawnSync(rt.argv[0], [...rt.argv.slice(1), 'create', '--pid-file', pidName, id], { cwd, stdio: 'ignore', timeout: 30_000 });
      assert.equal(r.status, 0, rt.name);
      const pid = Number(readFileSync(join(cwd, pidName), 'utf8'));
      assert.equal(h.state(rt, id)!.pid, pid, rt.name);
      assert.equal(rt.run(['kill', id, '0']).status, 0, `${rt.name}: signal 0`);
      assert.equal(rt.run(['kill', id, 'KILL']).status, 0, `${rt.name}: kill created`);
      await h.waitStatus(rt, id, 'stopped');
      assert.equal(rt.run(['delete', id]).status, 0);
      assert.ok(!existsSync(`/proc/${pid}/cmdline`) || readFileSync(`/proc/${pid}/cmdline`, 'utf8') === '');
    }
  });

  test('create twice with one id, and start or pause a stopped container: errors', async () => {
    const bundle = h.bundle(defaultConfig(['true']));
    for (const rt of h.runtimes) {
      const id = h.id(rt);
      assert.equal(rt.run(['create', '--bundle', bundle, id]).status, 0);
      assert.notEqual(rt.run(['create', '--bundle', bundle, id]).status, 0, `${rt.name}: second create`);
      assert.equal(h.state(rt, id)!.status, 'created', `${rt.name}: the first one is untouched`);
      assert.equal(rt.run(['start', id]).status, 0);
      await h.waitStatus(rt, id, 'stopped');
      assert.notEqual(rt.run(['start', id]).status, 0, `${rt.name}: start a stopped container`);
      assert.notEqual(rt.run(['pause', id]).status, 0, `${rt.name}: pause a stopped container`);
      assert.notEqual(rt.run(['kill', id, 'TERM']).status, 0, `${rt.name}: kill a stopped container`);
      assert.equal(rt.run(['delete', id]).status, 0);
    }
  });
});
