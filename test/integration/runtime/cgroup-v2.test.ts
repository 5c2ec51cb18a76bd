// The cgroup v2 code on a hybrid host: the unified hierarchy (which holds no
// memory/pids controllers here) is bound at /sys/fs/cgroup in a private mount
// namespace around each berth-runtime call. On a pure v2 host every other
// runtime test already runs on v2, and this file is skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { deviceConfig, RuntimeHarness } from './harness.js';

const hybrid = existsSync('/sys/fs/cgroup/unified/cgroup.procs') && !existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('berth-runtime on cgroup v2 (hybrid host)', { skip: (!isRoot && 'needs root') || (!hybrid && 'not a hybrid cgroup host') }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth-v2']); });
  after(() => h?.cleanup());

  test('the container lives in /berth/<id> of the unified hierarchy', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const r = rt.run(['run', '--bundle', h.bundle(defaultConfig(['sh', '-c', 'tail -1 /proc/self/cgroup; ls /sys/fs/cgroup | grep -c berth || true'])), id]);
    assert.equal(r.status, 0, r.stderr);
    // its own directory is bound at /sys/fs/cgroup: no sibling is visible
    assert.equal(r.stdout, `0::/berth/${id}\n0\n`);
    assert.ok(!existsSync(`/sys/fs/cgroup/unified/berth/${id}`));
  });

  test('with a cgroup namespace the container sees itself as the root', () => {
    const rt = h.berth;
    const c = defaultConfig(['tail', '-1', '/proc/self/cgroup']);
    c.linux.namespaces.push({ type: 'cgroup' });
    const r = rt.run(['run', '--bundle', h.bundle(c), h.id(rt)]);
    assert.equal(r.stdout, '0::/\n', r.stderr);
  });

  test('freeze, stats, ps, kill and cleanup', async () => {
    const rt = h.berth;
    const id = h.id(rt);
    assert.equal(rt.run(['run', '--detach', '--bundle', h.bundle(defaultConfig(['sleep', '100'])), id]).status, 0);
    const dir = `/sys/fs/cgroup/unified/berth/${id}`;
    const pid = h.state(rt, id)!.pid;
    assert.equal(readFileSync(`${dir}/cgroup.procs`, 'utf8'), `${pid}\n`);
    assert.equal(rt.run(['pause', id]).status, 0);
    assert.equal(readFileSync(`${dir}/cgroup.freeze`, 'utf8'), '1\n');
    assert.equal(h.state(rt, id)!.status, 'paused');
    assert.equal(rt.run(['resume', id]).status, 0);
    assert.equal(h.state(rt, id)!.status, 'running');
    const stats = JSON.parse(rt.run(['events', '--stats', id]).stdout);
    assert.equal(stats.data.cgroupVersion, 2);
    assert.deepEqual(JSON.parse(rt.run(['ps', '--format', 'json', id]).stdout), [pid]);
    assert.equal(rt.run(['kill', id, 'KILL']).status, 0);
    await h.waitStatus(rt, id, 'stopped');
    assert.equal(rt.run(['delete', id]).status, 0);
    assert.ok(!existsSync(dir));
  });

  test('device rules through an eBPF program', () => {
    const rt = h.berth;
    const r = rt.run(['run', '--bundle', h.bundle(deviceConfig()), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '3\n0\nnull2-ok\n');
  });

  test('a limit on a controller the hierarchy lacks fails cleanly', () => {
    const rt = h.berth;
    const id = h.id(rt);
    const c = defaultConfig(['true']);
    c.linux.resources.pids = { limit: 10 };
    const r = rt.run(['create', '--bundle', h.bundle(c), id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^cgroup: open \/sys\/fs\/cgroup\/berth\/.*\/pids\.max: No such file or directory\n$/);
    assert.ok(!existsSync(`/sys/fs/cgroup/unified/berth/${id}`));
    assert.equal(h.state(rt, id), null);
  });
});
