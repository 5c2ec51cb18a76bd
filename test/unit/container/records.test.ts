import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { containerPaths } from '../../../src/container/paths.js';
import { listRecords, releaseName, reserveName, writeRecord, type ContainerRecord } from '../../../src/container/record.js';
import { isShimAlive, observeStatus } from '../../../src/container/status.js';
import { secureJoin } from '../../../src/container/secure-join.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

const tmp = tempDir('berth-rec-');
after(() => tmp.cleanup());
const sp = statePaths(join(tmp.path, 'root'), {});
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function record(id: string, name: string, created: string): ContainerRecord {
  const p = containerPaths(sp, id);
  return {
    version: 1, id, name, created, image: { ref: 'img' }, labels: {}, bundle: p.bundle, rootfs: p.rootfs,
    layers: { base: '/l', lower: ['a'] }, upper: p.upper, work: p.work, logPath: p.log, socket: p.socket, runtimeRoot: p.runtimeRoot,
    process: { args: ['sh'], env: [], cwd: '/', user: '0:0' },
    shim: { restart: 'no', stopSignal: 'SIGTERM', stopTimeout: 10, health: null, tty: false, stdin: false },
    input: { id, name, image: { ref: 'img', config: {} }, rootfs: { base: '/l', lower: ['a'] }, network: { mode: 'none' } },
  };
}

describe('container records', () => {
  it('names are reserved exclusively and released only by their holder', () => {
    reserveName(sp, 'web-1', A);
    reserveName(sp, 'web-1', A); // idempotent for the holder
    assert.throws(() => reserveName(sp, 'web-1', B), /"web-1" is already in use by container aaaaaaaaaaaa/);
    releaseName(sp, 'web-1', B); // not the holder: no effect
    assert.throws(() => reserveName(sp, 'web-1', B), /already in use/);
    releaseName(sp, 'web-1', A);
    reserveName(sp, 'web-1', B);
    for (const bad of ['../x', '.hidden', 'a/b', '', 'x y']) assert.throws(() => reserveName(sp, bad, A), /invalid container name/);
  });

  it('a reservation left by a crash (old, holder without a record) is taken over', () => {
    const C = 'c'.repeat(64);
    reserveName(sp, 'crashed', C);
    assert.throws(() => reserveName(sp, 'crashed', A), /already in use/); // young: maybe a create in progress
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(sp.containers, '.names', 'crashed'), old, old);
    reserveName(sp, 'crashed', A);
    assert.throws(() => reserveName(sp, 'crashed', B), /already in use/);
  });

  it('lists records by creation time and ignores foreign or half-made dirs', () => {
    writeRecord(containerPaths(sp, B).record, record(B, 'b', '2026-01-02T00:00:00.000Z'));
    writeRecord(containerPaths(sp, A).record, record(A, 'a', '2026-01-01T00:00:00.000Z'));
    mkdirSync(join(sp.containers, 'c'.repeat(64)), { recursive: true }); // no record: a crashed create
    mkdirSync(join(sp.containers, 'not-an-id'), { recursive: true });
    assert.deepEqual(listRecords(sp).map((r) => r.name), ['a', 'b']);
  });

  it('status is checked against reality: a missing or foreign shim pid means not running', async () => {
    const p = containerPaths(sp, A);
    assert.equal(observeStatus(p, A).status, 'created');
    const state = { id: A, status: 'running', pid: 1, shimPid: process.pid, exitCode: 0, signal: null, oomKilled: false, startedAt: null, finishedAt: null, restartCount: 0, error: null, health: null };
    writeFileSync(p.state, JSON.stringify(state));
    // Our own pid is alive but is not a berth-shim for this id (a recycled pid).
    // Its init (pid 1 here) is not in the container's cgroup: the container went with its shim.
    const o = observeStatus(p, A);
    assert.equal(o.status, 'exited');
    assert.equal(o.state?.exitCode, 137);
    assert.match(o.note!, /is gone/);
    writeFileSync(p.state, JSON.stringify({ ...state, status: 'exited', exitCode: 2 }));
    assert.equal(observeStatus(p, A).status, 'exited');
    writeFileSync(p.state, '{torn');
    assert.equal(observeStatus(p, A).status, 'created');
    // A process whose argv names berth-shim and the id counts as the shim.
    const fake = spawn('/bin/sh', ['-c', 'sleep 5', 'berth-shim', '--id', A], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(isShimAlive(fake.pid, A));
      assert.ok(!isShimAlive(fake.pid, B));
    } finally {
      fake.kill('SIGKILL');
    }
  });

  it('secureJoin keeps symlinks and .. inside the root', () => {
    const root = join(tmp.path, 'fs');
    mkdirSync(join(root, 'etc'), { recursive: true });
    symlinkSync('/etc/../../../../host', join(root, 'etc/abs'));
    symlinkSync('../../../..', join(root, 'etc/up'));
    symlinkSync('loop2', join(root, 'etc/loop1'));
    symlinkSync('loop1', join(root, 'etc/loop2'));
    assert.equal(secureJoin(root, '/etc/abs/passwd'), join(root, 'host/passwd'));
    assert.equal(secureJoin(root, '/etc/up/etc/shadow'), join(root, 'etc/shadow'));
    assert.equal(secureJoin(root, '../../../etc/passwd'), join(root, 'etc/passwd'));
    assert.throws(() => secureJoin(root, '/etc/loop1'), /too many levels/);
  });
});
