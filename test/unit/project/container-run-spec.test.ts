// `container run` flags → the one-service Compose project (pure: no root, no kernel).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BerthError } from '../../../src/errors.js';
import { engineProject, ENGINE_SCOPE, mountEntry, namedVolumes, networkChoice } from '../../../src/project/container/run-spec.js';
import { startFailureCode } from '../../../src/project/container/start-failure.js';
import { filterRows } from '../../../src/cli/tools/container-ls.js';
import type { PsRow } from '../../../src/project/ps.js';

test('flags become the normalized service, named after the container, outside any Compose project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  try {
    writeFileSync(join(dir, 'env.list'), 'A=1\nB="two $X"\n');
    const p = engineProject({
      image: 'busybox', command: ['sh', '-c', 'echo $HOME'], name: 'box', env: ['LIT=$PATH'], envFiles: ['env.list'], cwd: dir,
      publish: ['127.0.0.1:8080:80'], volumes: ['./data:/data:ro', 'cache:/cache'], tmpfs: ['/run:size=1m'],
      entrypoint: '/bin/sh', memory: '64m', cpus: 0.5, pidsLimit: 20, restart: 'on-failure:3', init: true, readOnly: true,
      health: { cmd: 'true', interval: '2s', retries: 4 }, labels: ['a=b'], addHosts: ['db:10.0.0.2'], hostname: 'h',
    }, 'bridge');
    assert.equal(p.name, ENGINE_SCOPE);
    assert.deepEqual(Object.keys(p.services), ['box']);
    const s = p.services.box!;
    assert.deepEqual(s.command, ['sh', '-c', 'echo $HOME'], 'a "$" is kept as typed, never interpolated');
    assert.deepEqual(s.entrypoint, ['/bin/sh'], '--entrypoint is one executable, not shell words');
    assert.deepEqual(s.environment, { A: '1', B: '"two $X"', LIT: '$PATH' }, '--env-file values as written, as docker reads them');
    assert.deepEqual(s.ports?.map((x) => [x.host_ip, x.published, x.target]), [['127.0.0.1', '8080', 80]]);
    assert.deepEqual(s.volumes?.map((v) => [v.type, v.source, v.target, !!v.read_only]), [['bind', join(dir, 'data'), '/data', true], ['volume', 'cache', '/cache', false]]);
    assert.deepEqual(s.tmpfs, ['/run:size=1m']);
    assert.equal(s.mem_limit, '67108864');
    assert.equal(s.cpus, 0.5);
    assert.equal(s.pids_limit, 20);
    assert.equal(s.restart, 'on-failure:3');
    assert.deepEqual(s.healthcheck?.test, ['CMD-SHELL', 'true']);
    assert.equal(s.healthcheck?.interval, '2s');
    assert.equal(s.healthcheck?.retries, 4);
    assert.deepEqual(s.labels, { a: 'b' });
    assert.deepEqual(s.extra_hosts, ['db=10.0.0.2']);
    assert.deepEqual(Object.keys(s.networks ?? {}), ['bridge']);
    assert.equal(p.networks.bridge?.external, true);
    assert.equal(p.volumes.cache?.external, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--network: the default network, a named one, or a mode', () => {
  const spec = { image: 'x', command: [] };
  assert.deepEqual(networkChoice(spec, 'bridge'), { network: 'bridge' });
  assert.deepEqual(networkChoice({ ...spec, network: 'bridge' }, 'bridge'), { network: 'bridge' });
  assert.deepEqual(networkChoice({ ...spec, network: 'app_default' }, 'bridge'), { network: 'app_default' });
  for (const mode of ['host', 'none', 'container:web']) assert.deepEqual(networkChoice({ ...spec, network: mode }, 'bridge'), { mode });
  const p = engineProject({ ...spec, name: 'n', network: 'none' }, 'bridge');
  assert.equal(p.services.n!.network_mode, 'none');
  assert.equal(p.services.n!.networks, undefined);
});

test('--mount is docker\'s key=value list; bad input is one clear error with exit code 125', () => {
  assert.deepEqual(mountEntry('type=bind,src=/a,dst=/b,readonly'), { type: 'bind', source: '/a', target: '/b', read_only: true });
  assert.deepEqual(mountEntry('source=v,target=/v'), { type: 'volume', source: 'v', target: '/v' });
  assert.throws(() => mountEntry('type=bind,source=/a'), (e: unknown) => e instanceof BerthError && e.exitCode === 125 && /target is required/.test(e.message));
  assert.throws(() => mountEntry('type=bind,target=/a,colour=red'), /unknown key "colour"/);
  assert.deepEqual(namedVolumes({ image: 'x', command: [], volumes: ['/abs:/a', './rel:/r', 'named:/n', '/anon'], mounts: ['source=m,target=/m'] }), ['named', 'm']);
  assert.throws(() => engineProject({ image: 'x', command: [], name: 'bad', publish: ['not-a-port'] }, 'bridge'),
    (e: unknown) => e instanceof BerthError && e.exitCode === 125 && /^invalid options: /.test(e.message));
});

test('a start failure maps to docker\'s exit codes', () => {
  assert.equal(startFailureCode('exec: "nope": executable file not found in $PATH'), 127);
  assert.equal(startFailureCode('exec: "/x": no such file or directory'), 127);
  assert.equal(startFailureCode('exec: "/etc/passwd": permission denied'), 126);
  assert.equal(startFailureCode('cgroup: cannot write memory.limit_in_bytes'), 125);
});

test('container ls filters: labels must all match, other keys are alternatives', () => {
  const row = (name: string, state: string, labels: Record<string, string>, exit = 0): PsRow => ({
    ID: `${name}0000`, Name: name, Image: 'busybox:latest', Command: '', Project: '', Service: '', Number: 0, Created: 0,
    State: state, Status: '', Health: '', ExitCode: exit, Publishers: [], Labels: labels,
  });
  const rows = [row('a', 'running', { x: '1', y: '2' }), row('b', 'exited', { x: '1' }, 3), row('c', 'created', {})];
  const names = (f: string[]) => filterRows(rows, f).map((r) => r.Name);
  assert.deepEqual(names(['label=x']), ['a', 'b']);
  assert.deepEqual(names(['label=x', 'label=y=2']), ['a']);
  assert.deepEqual(names(['status=exited', 'status=created']), ['b', 'c']);
  assert.deepEqual(names(['exited=3']), ['b']);
  assert.deepEqual(names(['name=b', 'id=c']), []);
  assert.deepEqual(names(['ancestor=busybox']), ['a', 'b', 'c']);
  assert.throws(() => filterRows(rows, ['colour=red']), /invalid filter "colour": valid keys are id, name, label, status, exited, ancestor/);
});
