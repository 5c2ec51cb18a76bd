// create/start/state/exec/ps/pause/resume/kill/delete, with runc as the
// reference for the state JSON and the status transitions.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

const v1 = !existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('berth-runtime lifecycle', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  test('created → running → stopped, with the state JSON runc prints', async () => {
    const bundle = h.bundle(defaultConfig(['sleep', '100']));
    const shapes: string[][] = [];
    for (const rt of h.runtimes) {
      const id = h.id(rt);
      const pidFile = join(h.dir, `${id}.pid`);
      const c = rt.run(['create', '--bundle', bundle, '--pid-file', pidFile, id]);
      assert.equal(c.status, 0, `${rt.name}: ${c.stderr}`);
      const s1 = h.state(rt, id)!;
      assert.equal(s1.status, 'created', rt.name);
      assert.equal(s1.id, id);
      assert.equal(s1.bundle, bundle);
      assert.equal(Number(readFileSync(pidFile, 'utf8')), s1.pid, `${rt.name}: pid file`);
      assert.ok(existsSync(`/proc/${s1.pid}`));
      shapes.push(Object.keys(s1).filter((k) => k !== 'annotations').sort());
      assert.equal(rt.run(['start', id]).status, 0);
      assert.equal(h.state(rt, id)!.status, 'running', rt.name);
      const again = rt.run(['start', id]);
      assert.notEqual(again.status, 0, `${rt.name}: a second start must fail`);
      const del = rt.run(['delete', id]);
      assert.notEqual(del.status, 0, `${rt.name}: delete of a running container needs --force`);
      assert.equal(rt.run(['kill', id, 'KILL']).status, 0);
      await h.waitStatus(rt, id, 'stopped');
      assert.equal(rt.run(['delete', id]).status, 0, rt.name);
      assert.equal(h.state(rt, id), null, `${rt.name}: state after delete`);
      assert.notEqual(rt.run(['kill', id, 'KILL']).status, 0);
    }
    if (shapes.length === 2) assert.deepEqual(shapes[0], shapes[1], 'state keys of berth vs runc');
  });

  test('a created container can be deleted without --force', () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['create', '--bundle', h.bundle(defaultConfig(['true'])), id]).status, 0);
    const pid = h.state(rt, id)!.pid;
    assert.equal(rt.run(['delete', id]).status, 0);
    assert.ok(!existsSync(`/proc/${pid}/status`) || /State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8')));
    assert.ok(!existsSync(`/sys/fs/cgroup/pids/berth/${id}`), 'cgroup removed');
  });

  test('exec, ps, pause/resume, events --stats, kill, delete --force', async () => {
    const rt = h.berth;
    const id = h.id(rt);
    const bundle = h.bundle(defaultConfig(['sleep', '100']));
    assert.equal(rt.run(['create', '--bundle', bundle, id]).status, 0);
    assert.equal(rt.run(['start', id]).status, 0);
    const pid = h.state(rt, id)!.pid;

    const e = rt.run(['exec', '--env', 'X=42', '--cwd', '/tmp', id, 'sh', '-c', 'echo $X $(pwd) $$; exit 7']);
    assert.equal(e.status, 7, e.stderr);
    assert.match(e.stdout, /^42 \/tmp \d+\n$/);
    const u = rt.run(['exec', '--user', '1000:1000', id, 'id', '-u']);
    assert.equal(u.stdout, '1000\n');
    const sees = rt.run(['exec', id, 'sh', '-c', 'ps -o comm | grep -c sleep']);
    assert.equal(sees.stdout, '1\n', 'exec joins the pid namespace');
    const nope = rt.run(['exec', id, '/bin/nope']);
    assert.equal(nope.status, 255, "exec failures exit 255, as runc");
    assert.equal(nope.stderr, 'exec: "/bin/nope": stat /bin/nope: no such file or directory\n');

    const procFile = join(h.dir, `${id}-process.json`);
    writeFileSync(procFile, JSON.stringify({ args: ['sh', '-c', 'echo from-process-json $Y'], env: ['Y=1'], cwd: '/', user: { uid: 0, gid: 0 } }));
    const pj = rt.run(['exec', '--process', procFile, id]);
    assert.equal(pj.stdout, 'from-process-json 1\n', pj.stderr);

    const ps = JSON.parse(rt.run(['ps', '--format', 'json', id]).stdout);
    assert.deepEqual(ps, [pid]);
    // the table is the host's ps, filtered to the container, as runc prints it
    assert.deepEqual(rt.run(['ps', id, '-o', 'pid,comm']).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)),
      [['PID', 'COMMAND'], [String(pid), 'sleep']]);

    assert.equal(rt.run(['pause', id]).status, 0);
    assert.equal(h.state(rt, id)!.status, 'paused');
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /State:\s+[DS]/);
    assert.notEqual(rt.run(['exec', id, 'true']).status, 0, 'no exec into a paused container');
    assert.equal(rt.run(['resume', id]).status, 0);
    assert.equal(h.state(rt, id)!.status, 'running');

    const stats = JSON.parse(rt.run(['events', '--stats', id]).stdout);
    assert.equal(stats.type, 'stats');
    assert.equal(stats.id, id);
    assert.ok(stats.data.memory.usage.usage > 0);
    assert.equal(stats.data.pids.current, 1);
    assert.ok(stats.data.cpu.usage.total >= 0);

    const list = JSON.parse(rt.run(['list', '--format', 'json']).stdout) as Array<{ id: string; status: string }>;
    assert.equal(list.find((c) => c.id === id)?.status, 'running');

    // TERM is ignored by a PID 1 without a handler; kill --all reaches it anyway with KILL
    assert.equal(rt.run(['kill', '--all', id, 'KILL']).status, 0);
    await h.waitStatus(rt, id, 'stopped');
    assert.equal(rt.run(['delete', '--force', id]).status, 0);
    assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth/${id}`));
  });

  test('delete --force of a paused container', () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['run', '--detach', '--bundle', h.bundle(defaultConfig(['sleep', '100'])), id]).status, 0);
    assert.equal(rt.run(['pause', id]).status, 0);
    const r = rt.run(['delete', '--force', id]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(h.state(rt, id), null);
  });

  test('a terminal: run relays through a pty', () => {
    const rt = h.berth;
    const c = defaultConfig(['sh', '-c', 'tty; [ -t 0 ] && echo interactive; ls -l /dev/console | cut -c1']);
    c.process.terminal = true;
    const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.replace(/\r/g, ''), '/dev/pts/0\ninteractive\nc\n');
  });
});

describe('berth-runtime hooks and inherited fds', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  test('every hook kind runs with the state on stdin, like runc', () => {
    for (const rt of h.runtimes) {
      const out = join(h.dir, `hooks-${rt.name}`);
      mkdirSync(out);
      const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `cat > ${out}/${name}.json`] });
      const c = defaultConfig(['true']);
      c.mounts.push({ destination: '/hooks', type: 'bind', source: out, options: ['rbind', 'rw'] });
      c.hooks = {
        prestart: [hook('prestart')], createRuntime: [hook('createRuntime')], createContainer: [hook('createContainer')],
        // startContainer runs inside the container: its path and output are the container's
        startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'cat > /hooks/startContainer.json'] }],
        poststart: [hook('poststart')], poststop: [hook('poststop')],
      };
      const id = h.id(rt);
      const r = rt.run(['run', '--bundle', h.bundle(c), id]);
      assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
      const seen = Object.fromEntries(readdirSync(out).map((f) => [f.replace('.json', ''), JSON.parse(readFileSync(join(out, f), 'utf8'))]));
      assert.deepEqual(Object.keys(seen).sort(), ['createContainer', 'createRuntime', 'poststart', 'poststop', 'prestart', 'startContainer'], rt.name);
      for (const [kind, s] of Object.entries(seen)) {
        assert.equal(s.id, id);
        if (kind !== 'poststop') assert.ok(s.pid > 0, `${rt.name} ${kind}`);
      }
      assert.equal(seen.poststop.status, 'stopped', rt.name);
    }
  });

  test('a failing createRuntime hook fails create and leaves nothing', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['true']);
    c.hooks = { createRuntime: [{ path: '/bin/false' }] };
    const r = rt.run(['create', '--bundle', h.bundle(c), id]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'createRuntime hook /bin/false: exit status 1\n');
    assert.equal(h.state(rt, id), null);
  });

  test('signals the caller ignored are back to default in the container', () => {
    const rt = h.berth;
    const bundle = h.bundle(defaultConfig(['grep', 'SigIgn', '/proc/self/status']));
    // like a monitor that ignores SIGPIPE and SIGHUP before it runs the runtime
    const r = spawnSync('sh', ['-c', 'trap "" PIPE HUP; exec "$@"', 'sh', ...rt.argv, 'run', '--bundle', bundle, h.id(rt)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'SigIgn:\t0000000000000000\n');
  });

  test('only stdio (and --preserve-fds) reach the container', () => {
    const rt = h.berth;
    // ls lists its own fds: stdio, what was passed on, and the directory it reads
    const bundle = h.bundle(defaultConfig(['ls', '/proc/self/fd']));
    const run = (extra: string[]) => spawnSync(rt.argv[0], [...rt.argv.slice(1), 'run', ...extra, '--bundle', bundle, h.id(rt)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    assert.equal(run([]).stdout, '0\n1\n2\n3\n');
    assert.equal(run(['--preserve-fds', '1']).stdout, '0\n1\n2\n3\n4\n');
  });
});

describe('berth-runtime after a crash', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  test('create killed half-way: "creating", then "stopped", and delete removes everything', async () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['sleep', '100']);
    // a slow createRuntime hook holds create after the init is set up; it names its pid to be waited for
    const hookPid = join(h.dir, `${id}.hook-pid`);
    c.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `echo $$ > ${hookPid}; exec sleep 1`] }] };
    const child = spawn(rt.argv[0], [...rt.argv.slice(1), 'create', '--bundle', h.bundle(c), id], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const procs = v1 ? `/sys/fs/cgroup/pids/berth/${id}/cgroup.procs` : `/sys/fs/cgroup/berth/${id}/cgroup.procs`;
    const end = Date.now() + 5000;
    while (!(existsSync(procs) && readFileSync(procs, 'utf8').trim() && existsSync(hookPid)) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.state(rt, id)?.status, 'creating');
    assert.match(rt.run(['delete', '--force', id]).stderr, /is being created/);
    const initPid = Number(readFileSync(procs, 'utf8').trim().split('\n')[0]);
    child.kill('SIGKILL');
    await exited;
    assert.equal(h.state(rt, id)?.status, 'stopped');
    const del = rt.run(['delete', id]);
    assert.equal(del.status, 0, del.stderr);
    assert.equal(h.state(rt, id), null);
    assert.ok(!existsSync(procs), 'cgroup removed');
    const st = existsSync(`/proc/${initPid}/status`) ? readFileSync(`/proc/${initPid}/status`, 'utf8') : '';
    assert.ok(!st || /State:\s+Z/.test(st), 'the half-made init is gone');
    // the orphaned hook's sleep ends
    const hook = Number(readFileSync(hookPid, 'utf8'));
    const hookEnd = Date.now() + 10_000;
    while (existsSync(`/proc/${hook}`) && !/State:\s+Z/.test(readFileSync(`/proc/${hook}/status`, 'utf8')) && Date.now() < hookEnd) await new Promise((r) => setTimeout(r, 20));
  });

  test('start killed between its write and the fifo removal: running, not created', () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['create', '--bundle', h.bundle(defaultConfig(['sleep', '100'])), id]).status, 0);
    // what `start` does before it unlinks the fifo
    const fifo = join(h.dir, 'root-berth', id, 'exec.fifo');
    writeFileSync(fifo, '0');
    assert.ok(existsSync(fifo));
    const end = Date.now() + 5000;
    while (h.state(rt, id)?.status !== 'running' && Date.now() < end) { /* the init execs */ }
    assert.equal(h.state(rt, id)?.status, 'running');
    assert.match(rt.run(['start', id]).stderr, /cannot start a container that is running/);
    assert.equal(rt.run(['delete', '--force', id]).status, 0);
  });
});

describe('berth-runtime errors', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  function createFails(config: object | string, pattern: RegExp) {
    const rt = h.berth;
    const id = h.id(rt);
    const bundle = h.bundle({});
    writeFileSync(join(bundle, 'config.json'), typeof config === 'string' ? config : JSON.stringify({ ...config, root: { path: h.rootfs } }));
    const r = rt.run(['create', '--bundle', bundle, id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(h.state(rt, id), null, 'nothing left behind');
    assert.ok(!existsSync(`/sys/fs/cgroup/memory/berth/${id}`), 'no cgroup left behind');
  }

  test('a missing executable fails at create, with runc\'s wording', () => {
    createFails(defaultConfig(['/bin/nope']), /^exec: "\/bin\/nope": stat \/bin\/nope: no such file or directory\n$/);
    createFails(defaultConfig(['nope']), /^exec: "nope": executable file not found in \$PATH\n$/);
  });

  test('invalid config.json names file, line and column', () => {
    createFails('{\n  "process": {\n    "args": ["sh",]\n  }\n}', /config\.json:3:19: invalid JSON/);
    createFails({ ...defaultConfig(['true']), process: { ...defaultConfig(['true']).process, args: 'sh' } }, /args must be an array/);
  });

  test('a bad mount names the step and the errno text', () => {
    const c = defaultConfig(['true']);
    c.mounts.push({ destination: '/x', type: 'nosuchfs', source: 'none' });
    createFails(c, /^mount none on \/x \(type nosuchfs\): No such device\n$/);
  });

  test('unknown ids, duplicate ids and hostile ids', () => {
    const rt = h.berth;
    assert.match(rt.run(['state', 'nosuch-container']).stderr, /container nosuch-container does not exist/);
    assert.match(rt.run(['create', '--bundle', h.dir, '../escape']).stderr, /invalid container id/);
    const id = h.id(rt);
    const bundle = h.bundle(defaultConfig(['true']));
    assert.equal(rt.run(['create', '--bundle', bundle, id]).status, 0);
    const dup = rt.run(['create', '--bundle', bundle, id]);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /already exists/);
    assert.equal(h.state(rt, id)!.status, 'created', 'the first one is intact');
  });
});
