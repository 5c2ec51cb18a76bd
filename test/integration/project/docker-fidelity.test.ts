// Run-time behaviour as docker gives it, on real containers: `up -d` waits
// again for a dependency its restart policy is restarting; the default
// nofile limits are berth's own (as dockerd's are its containers'), a hard
// limit above them is clamped with a warning, not a failure; on a hybrid
// cgroup host the container sits in the unified and name=systemd
// hierarchies too, and leaves them on down; `ps` lists exposed but
// unpublished ports; resolv.conf carries `options ndots:0`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld, ps, teardown, type World } from './harness.js';

interface ShimState { status: string; startedAt: string | null; restartCount: number; health?: { status: string } }
const shimState = (w: World, id: string) => JSON.parse(readFileSync(join(w.root, 'containers', id, 'state.json'), 'utf8')) as ShimState;

function spinWait(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function until<T>(what: string, f: () => T | undefined, ms = 30_000): T {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    spinWait(50);
  }
}

// db: four runs fail at once (restart back-off 0.1 s … 0.8 s), the fifth is
// healthy for a while and then fails (back-off 1.6 s, its health still
// "healthy" meanwhile), the sixth stays healthy. Its health needs ~1 s per run.
const RESTART = `services:
  db:
    image: berth-examples/busybox:latest
    restart: always
    command: ["sh", "-c", "rm -f /tmp/ok; n=$$(( $$(cat /n 2>/dev/null || echo 0) + 1 )); echo $$n > /n; [ $$n -ge 5 ] || exit 1; sleep 1; touch /tmp/ok; [ $$n -ge 6 ] || { sleep 2; exit 1; }; exec sleep 300"]
    healthcheck: {test: ["CMD", "test", "-f", "/tmp/ok"], interval: 200ms, timeout: 2s, retries: 100}
  app:
    image: berth-examples/busybox:latest
    command: ["sleep", "300"]
    depends_on:
      db: {condition: service_healthy}
`;

test('up -d while a dependency is restarting waits for its condition again', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const project = `rs${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, RESTART);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));

  w.ok([...base, 'up', '-d', 'db']);
  const db = ps(w, base).find((c) => c.Service === 'db')!;
  // The fifth run has died: restarting, with the health its run last had.
  until('db restarting after a healthy run', () => {
    const s = shimState(w, db.ID);
    return s.status === 'restarting' && s.restartCount === 4 && s.health?.status === 'healthy';
  });
  const seen = Date.now();
  w.ok([...base, 'up', '-d']);
  const dbNow = shimState(w, db.ID);
  const app = ps(w, base).find((c) => c.Service === 'app')!;
  const appNow = shimState(w, app.ID);
  assert.equal(dbNow.restartCount, 5, 'the sixth run of db is the one up waited for');
  assert.ok(Date.parse(dbNow.startedAt!) >= seen - 5, `db's run started ${dbNow.startedAt}, after it was seen restarting`);
  assert.equal(dbNow.health?.status, 'healthy');
  assert.ok(Date.parse(appNow.startedAt!) - Date.parse(dbNow.startedAt!) >= 900,
    `app started at ${appNow.startedAt}, before db's new run (${dbNow.startedAt}) could be healthy`);
  w.ok([...base, 'down', '-v', '-t', '0']);
});

const LIMITS = `services:
  web:
    image: berth-examples/busybox:latest
    init: true
    command: ["sleep", "300"]
    expose: ["8080", "9000-9001/udp"]
    ports: ["127.0.0.1::7000"]
  big:
    image: berth-examples/busybox:latest
    command: ["sleep", "300"]
    network_mode: host
    ulimits:
      nofile: {soft: 4096, hard: 100000000}
`;

function limits(pid: number): { soft: number; hard: number } {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))!;
  return { soft: Number(m[1]), hard: Number(m[2]) };
}

test('nofile as dockerd gives it, exposed ports in ps, hybrid cgroup placement, ndots:0', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const project = `fd${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, LIMITS);
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));

  const upOut = w.ok([...base, 'up', '-d']);
  const rows = ps(w, base);
  const web = rows.find((c) => c.Service === 'web')!;
  const big = rows.find((c) => c.Service === 'big')!;
  const pidOf = (id: string) => (JSON.parse(readFileSync(join(w.root, 'containers', id, 'state.json'), 'utf8')) as { pid: number }).pid;

  // The limits berth runs with (the hard one; the soft one is its parent's, which Node raises for itself).
  const own = limits(process.pid);
  const parentSoft = limits(process.ppid).soft;
  const bare = limits(pidOf(web.ID));
  assert.equal(bare.hard, own.hard, 'the hard limit is the one berth was started with');
  assert.ok(bare.soft <= bare.hard && bare.soft >= Math.min(parentSoft, own.hard) - 0, `soft ${bare.soft}`);
  // A hard limit above the current one cannot be raised without CAP_SYS_RESOURCE: clamped, the container runs.
  const clamped = limits(pidOf(big.ID));
  assert.equal(big.State, 'running');
  assert.ok(clamped.hard <= 100000000 && clamped.soft === Math.min(4096, clamped.hard), JSON.stringify(clamped));
  if (clamped.hard < 100000000) {
    // Said by up, which made the container, before it runs.
    assert.match(upOut, /service "big": ulimits\.nofile: hard limit 100000000 is above the current \d+ and raising it needs CAP_SYS_RESOURCE, which berth does not hold here; the container gets soft 4096, hard \d+/);
  }

  // Exposed but unpublished ports beside the published one, as docker lists them.
  const table = w.ok([...base, 'ps']);
  const line = table.split('\n').find((l) => l.includes(web.Name))!;
  assert.match(line, /127\.0\.0\.1:\d+->7000\/tcp/);
  assert.match(line, /8080\/tcp/);
  assert.match(line, /9000\/udp, 9001\/udp/);
  const pubs = (ps(w, base).find((c) => c.Service === 'web')!.Publishers as Array<{ URL: string; TargetPort: number; PublishedPort: number; Protocol: string }>);
  assert.deepEqual(pubs.filter((p) => p.PublishedPort === 0).map((p) => `${p.TargetPort}/${p.Protocol}`), ['8080/tcp', '9000/udp', '9001/udp']);
  assert.doesNotMatch(table.split('\n').find((l) => l.includes(big.Name))!, /\/tcp|\/udp/, 'host network: no ports listed');

  // resolv.conf of a container on a berth network: docker's embedded-resolver options.
  const resolv = w.ok([...base, 'exec', '-T', 'web', 'cat', '/etc/resolv.conf']);
  assert.match(resolv, /^options ndots:0$/m);

  // Hybrid host (v1 controllers, cgroup2 at unified): the container is in both placement hierarchies.
  const hybrid = existsSync('/sys/fs/cgroup/unified') && !existsSync('/sys/fs/cgroup/cgroup.controllers');
  if (hybrid) {
    const cg = readFileSync(`/proc/${pidOf(web.ID)}/cgroup`, 'utf8');
    assert.match(cg, new RegExp(`^\\d+:name=systemd:/berth-${web.ID}$`, 'm'));
    assert.match(cg, new RegExp(`^0::/berth-${web.ID}$`, 'm'));
    assert.ok(existsSync(`/sys/fs/cgroup/systemd/berth-${web.ID}`));
  } else t.diagnostic('not a hybrid cgroup host: placement in unified/name=systemd not checked');

  const ids = rows.map((r) => r.ID);
  w.ok([...base, 'down', '-v', '-t', '0']);
  for (const id of ids) {
    assert.ok(!existsSync(`/sys/fs/cgroup/systemd/berth-${id}`), 'name=systemd cgroup removed');
    assert.ok(!existsSync(`/sys/fs/cgroup/unified/berth-${id}`), 'unified cgroup removed');
  }
  assert.deepEqual(leftovers(w, ids), []);
});
