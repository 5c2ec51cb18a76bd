// The command line around the lifecycle: --log/--log-format, list, events
// streaming, exec --tty, warnings instead of failures without CAP_SYS_RESOURCE.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

describe('berth-runtime command line', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth']); });
  after(() => h?.cleanup());

  test('--version, unknown commands and options', () => {
    const rt = h.berth;
    assert.match(rt.run(['--version']).stdout, /^berth-runtime version \d+\.\d+\.\d+\nspec: 1\.0\.2\n$/);
    const bad = rt.run(['frobnicate']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown command frobnicate/);
    const opt = rt.run(['create', '--bogus', 'x']);
    assert.equal(opt.status, 1);
    assert.equal(opt.stderr, 'create: unknown option --bogus\n');
    assert.equal(rt.run(['kill', 'x', 'SIGNOPE']).stderr, 'kill: unknown signal SIGNOPE\n');
  });

  test('--log with --log-format json records errors', () => {
    const rt = h.berth;
    const log = join(h.dir, 'runtime.log');
    const r = rt.run(['--log', log, '--log-format', 'json', 'state', 'no-such-ctr']);
    assert.equal(r.status, 1);
    const entry = JSON.parse(readFileSync(log, 'utf8').trim());
    assert.equal(entry.level, 'error');
    assert.equal(entry.msg, 'container no-such-ctr does not exist');
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT/);
  });

  test('list shows created and running containers', () => {
    const rt = h.berth;
    const a = h.id(rt);
    const b = h.id(rt);
    const bundle = h.bundle(defaultConfig(['sleep', '100']));
    assert.equal(rt.run(['create', '--bundle', bundle, a]).status, 0);
    assert.equal(rt.run(['run', '-d', '--bundle', bundle, b]).status, 0);
    const table = rt.run(['list']).stdout.split('\n');
    assert.match(table[0], /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
    assert.ok(table.some((l) => l.startsWith(a) && / created /.test(l)));
    assert.ok(table.some((l) => l.startsWith(b) && / running /.test(l)));
    assert.deepEqual(rt.run(['list', '-q']).stdout.trim().split('\n').sort(), [a, b].sort());
    for (const id of [a, b]) assert.equal(rt.run(['delete', '--force', id]).status, 0);
    assert.equal(rt.run(['list', '--format', 'json']).stdout, '[]\n');
  });

  test('events streams an oom event and ends when the container stops', async () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['sh', '-c', 'sleep 0.5; x=$(head -c 67108864 /dev/zero | tr "\\0" a); sleep 0.5']);
    c.linux.resources.memory = { limit: 24 * 1024 * 1024, swap: 24 * 1024 * 1024 };
    assert.equal(rt.run(['create', '--bundle', h.bundle(c), id]).status, 0);
    const ev = spawn(rt.argv[0], [...rt.argv.slice(1), 'events', '--interval', '0.2', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    ev.stdout.on('data', (d) => { out += d; });
    const done = new Promise((r) => ev.on('close', r));
    assert.equal(rt.run(['start', id]).status, 0);
    const timer = setTimeout(() => ev.kill(), 15_000);
    await done;
    clearTimeout(timer);
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(events.some((e) => e.type === 'oom' && e.id === id), out);
    assert.ok(events.some((e) => e.type === 'stats'), out);
  });

  test('update changes the limits of a running container', () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['run', '-d', '--bundle', h.bundle(defaultConfig(['sleep', '100'])), id]).status, 0);
    const v1 = !existsSync('/sys/fs/cgroup/cgroup.controllers');
    const knob = (ctrl: string, file: string) => readFileSync(v1 ? `/sys/fs/cgroup/${ctrl}/berth/${id}/${file}` : `/sys/fs/cgroup/berth/${id}/${file}`, 'utf8').trim();
    const r = rt.run(['update', '--memory', String(32 << 20), '--pids-limit', '20', id]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(knob('memory', v1 ? 'memory.limit_in_bytes' : 'memory.max'), String(32 << 20));
    assert.equal(knob('pids', 'pids.max'), '20');
    const j = rt.run(['update', '--resources', '-', id], { input: JSON.stringify({ pids: { limit: 30 } }) });
    assert.equal(j.status, 0, j.stderr);
    assert.equal(knob('pids', 'pids.max'), '30');
    assert.equal(rt.run(['update', '--memory', 'lots', id]).stderr, 'update: --memory: not a number: lots\n');
    assert.equal(rt.run(['delete', '--force', id]).status, 0);
  });

  test('exec --tty relays through a pty', () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['run', '-d', '--bundle', h.bundle(defaultConfig(['sleep', '100'])), id]).status, 0);
    const r = rt.run(['exec', '--tty', id, 'sh', '-c', 'tty; exit 4']);
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stdout, /^\/dev\/pts\/\d+\r\n$/);
  });

  test('without CAP_SYS_RESOURCE, oomScoreAdj and hard rlimits warn instead of failing', () => {
    const rt = h.berth;
    const c = defaultConfig(['sh', '-c', 'cat /proc/self/oom_score_adj; ulimit -n']);
    c.process.oomScoreAdj = -500;
    c.process.rlimits = [{ type: 'RLIMIT_NOFILE', hard: 1 << 30, soft: 4096 }];
    const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    const [adj, nofile] = r.stdout.trim().split('\n');
    if (r.stderr) {
      for (const line of r.stderr.trim().split('\n')) {
        assert.match(line, /^warning: (oom_score_adj|RLIMIT_NOFILE: hard limit 1073741824 is above the current \d+ and raising it needs CAP_SYS_RESOURCE; using soft 4096, hard \d+)/);
      }
    } else {
      assert.equal(adj, '-500');
    }
    assert.equal(nofile, '4096');
  });
});
