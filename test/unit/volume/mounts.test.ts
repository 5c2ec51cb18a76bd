import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../../../src/state/paths.js';
import { parseTmpfsEntry, resolveMounts, type MountContext } from '../../../src/volume/mounts.js';
import { VolumeStore } from '../../../src/volume/store.js';
import { tempDir } from '../../helpers/env.js';

function ctx(t: { after: (fn: () => void) => void }, extra: Partial<MountContext> = {}) {
  const d = tempDir();
  t.after(() => d.cleanup());
  const store = new VolumeStore(statePaths(join(d.path, 'root'), {}), { lockTimeoutMs: 120_000 });
  store.create('demo_data');
  return { dir: d.path, store, ctx: { store, projectVolumes: { data: 'demo_data' }, ...extra } as MountContext };
}

test('bind mounts: options, propagation, read_only, create_host_path', async (t) => {
  const { dir, ctx: c } = ctx(t);
  const src = join(dir, 'src');
  mkdirSync(src);
  const made = join(dir, 'made', 'deep');
  const r = await resolveMounts([
    { type: 'bind', source: src, target: '/app', read_only: true },
    { type: 'bind', source: src, target: '/shared/', bind: { propagation: 'rshared' } },
    { type: 'bind', source: made, target: '/made', bind: { create_host_path: true } },
  ], [], c);
  assert.deepEqual(r.mounts, [
    { type: 'bind', source: src, target: '/app', options: ['rbind', 'rprivate', 'ro'] },
    { type: 'bind', source: src, target: '/shared', options: ['rbind', 'rshared'] },
    { type: 'bind', source: made, target: '/made', options: ['rbind', 'rprivate'] },
  ]);
  assert.ok(existsSync(made));
  await assert.rejects(resolveMounts([{ type: 'bind', source: join(dir, 'nope'), target: '/x' }], [], c), /bind source path does not exist: .*nope/);
  await assert.rejects(resolveMounts([{ type: 'bind', source: 'rel/path', target: '/x' }], [], c), /must be an absolute path/);
  await assert.rejects(resolveMounts([{ type: 'bind', source: src, target: '/x', bind: { propagation: 'weird' } }], [], c), /invalid bind propagation "weird"/);
});

test('named volumes resolve to their data directory; undefined ones are an error', async (t) => {
  const { store, ctx: c } = ctx(t);
  const r = await resolveMounts([{ type: 'volume', source: 'data', target: '/var/lib/db' }, { type: 'volume', source: 'data', target: '/ro', read_only: true, volume: { nocopy: true } }], [], c);
  assert.deepEqual(r.mounts[0], { type: 'bind', source: store.dataDir('demo_data'), target: '/var/lib/db', options: ['rbind', 'rprivate'], volume: { name: 'demo_data', anonymous: false, copyUp: true } });
  assert.deepEqual(r.mounts[1].options, ['rbind', 'rprivate', 'ro']);
  assert.equal(r.mounts[1].volume?.copyUp, false);
  await assert.rejects(resolveMounts([{ type: 'volume', source: 'ghost', target: '/g' }], [], c), /refers to undefined volume "ghost"/);
});

test('anonymous volumes are created, then inherited on recreate unless renewed', async (t) => {
  const { store, ctx: c } = ctx(t, { anonymousLabels: { 'com.docker.compose.project': 'demo' } });
  const first = await resolveMounts([{ type: 'volume', target: '/cache' }], [], c);
  const name = first.anonymous['/cache'];
  assert.match(name, /^[0-9a-f]{64}$/);
  assert.equal(store.inspect(name).labels['com.docker.compose.project'], 'demo');
  const again = await resolveMounts([{ type: 'volume', target: '/cache' }], [], { ...c, previousAnonymous: first.anonymous });
  assert.equal(again.anonymous['/cache'], name);
  const renewed = await resolveMounts([{ type: 'volume', target: '/cache' }], [], { ...c, previousAnonymous: first.anonymous, renewAnonVolumes: true });
  assert.notEqual(renewed.anonymous['/cache'], name);
});

test('a volume subpath must exist and stay inside the volume', async (t) => {
  const { dir, store, ctx: c } = ctx(t);
  const data = store.dataDir('demo_data');
  mkdirSync(join(data, 'sub'));
  symlinkSync(dir, join(data, 'escape'));
  const ok = await resolveMounts([{ type: 'volume', source: 'data', target: '/s', volume: { subpath: 'sub' } }], [], c);
  assert.equal(ok.mounts[0].source, join(data, 'sub'));
  await assert.rejects(resolveMounts([{ type: 'volume', source: 'data', target: '/s', volume: { subpath: '../x' } }], [], c), /must be relative and must not contain/);
  await assert.rejects(resolveMounts([{ type: 'volume', source: 'data', target: '/s', volume: { subpath: 'escape' } }], [], c), /leads outside the volume/);
  await assert.rejects(resolveMounts([{ type: 'volume', source: 'data', target: '/s', volume: { subpath: 'none' } }], [], c), /does not exist/);
});

test('tmpfs: long syntax size and mode, short entries with an option allowlist', async (t) => {
  const { ctx: c } = ctx(t);
  const r = await resolveMounts([{ type: 'tmpfs', target: '/tmp', tmpfs: { size: 65536, mode: 0o1777 } }], ['/run', '/cache:size=64m,mode=755,exec'], c);
  assert.deepEqual(r.mounts, [
    { type: 'tmpfs', source: 'tmpfs', target: '/tmp', options: ['nosuid', 'nodev', 'noexec', 'size=65536', 'mode=1777'] },
    { type: 'tmpfs', source: 'tmpfs', target: '/run', options: ['nosuid', 'nodev', 'noexec'] },
    { type: 'tmpfs', source: 'tmpfs', target: '/cache', options: ['nosuid', 'nodev', 'size=64m', 'mode=755', 'exec'] },
  ]);
  assert.throws(() => parseTmpfsEntry('/x:size=1g,context=evil'), /invalid tmpfs option "context=evil"/);
  assert.throws(() => parseTmpfsEntry('relative'), /must be an absolute path/);
  await assert.rejects(resolveMounts([{ type: 'tmpfs', target: '/t', tmpfs: { size: -1 } }], [], c), /invalid tmpfs size/);
  await assert.rejects(resolveMounts([{ type: 'tmpfs', target: '/t', tmpfs: { mode: 0o17777 } }], [], c), /invalid tmpfs mode/);
});

test('duplicate targets and unsupported types are errors', async (t) => {
  const { dir, ctx: c } = ctx(t);
  writeFileSync(join(dir, 'f'), '');
  await assert.rejects(resolveMounts([{ type: 'bind', source: dir, target: '/a' }, { type: 'volume', source: 'data', target: '/a/' }], [], c), /duplicate mount point: \/a/);
  await assert.rejects(resolveMounts([{ type: 'bind', source: dir, target: '/run' }], ['/run'], c), /duplicate mount point: \/run/);
  await assert.rejects(resolveMounts([{ type: 'npipe', source: 'x', target: '/p' }], [], c), /mount type "npipe" .* is not supported/);
});

test('volumes_from copies volumes and binds, read-only with :ro, and own mounts win', async () => {
  const { volumesFromMounts, mergeMounts } = await import('../../../src/volume/mounts.js');
  const other = [
    { type: 'bind' as const, source: '/v/data', target: '/data', options: ['rbind', 'rprivate'], volume: { name: 'demo_data', anonymous: false, copyUp: true } },
    { type: 'bind' as const, source: '/etc/cfg', target: '/cfg', options: ['rbind', 'rprivate', 'ro'] },
    { type: 'tmpfs' as const, source: 'tmpfs', target: '/run', options: ['nosuid'] },
  ];
  const rw = volumesFromMounts(other);
  assert.deepEqual(rw.map((m) => `${m.target}:${m.options.join(',')}`), ['/data:rbind,rprivate', '/cfg:rbind,rprivate,ro']);
  const ro = volumesFromMounts(other, 'ro');
  assert.deepEqual(ro.map((m) => m.options.at(-1)), ['ro', 'ro']);
  assert.deepEqual(other[0].options, ['rbind', 'rprivate'], 'the source list is not modified');
  const own = [{ type: 'tmpfs' as const, source: 'tmpfs', target: '/data', options: [] }];
  assert.deepEqual(mergeMounts(own, ro).map((m) => `${m.type}:${m.target}`), ['tmpfs:/data', 'bind:/cfg']);
});
