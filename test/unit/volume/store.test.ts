import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../../../src/state/paths.js';
import { ANONYMOUS_LABEL, VolumeStore } from '../../../src/volume/store.js';
import { volumesInUse } from '../../../src/volume/in-use.js';
import { tempDir } from '../../helpers/env.js';

function fresh(t: { after: (fn: () => void) => void }) {
  const d = tempDir();
  t.after(() => d.cleanup());
  return { dir: d.path, store: new VolumeStore(statePaths(join(d.path, 'root'), {}), { lockTimeoutMs: 120_000 }) };
}

test('create makes _data and a record with labels; create again with the same options returns it', (t) => {
  const { store } = fresh(t);
  const v = store.create('demo_data', { labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data' } });
  assert.equal(v.name, 'demo_data');
  assert.equal(v.driver, 'local');
  assert.equal(v.anonymous, false);
  assert.ok(existsSync(v.mountpoint));
  assert.match(v.mountpoint, /volumes\/demo_data\/_data$/);
  assert.deepEqual(store.inspect('demo_data').labels, { 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data' });
  assert.equal(store.create('demo_data', { labels: { other: 'x' } }).createdAt, v.createdAt);
  assert.throws(() => store.create('demo_data', { driverOpts: { type: 'none', o: 'bind', device: '/srv' } }), /already exists with different driver options/);
});

test('invalid names, drivers and options are refused before anything is written', (t) => {
  const { store } = fresh(t);
  for (const bad of ['../x', 'a', '.hidden', 'a/b', '', 'x'.repeat(256)]) assert.throws(() => store.create(bad), /invalid volume name/);
  assert.throws(() => store.create('vv', { driver: 'nfs' }), /driver "nfs" is not supported/);
  assert.throws(() => store.create('vv', { driverOpts: { size: '1g' } }), /invalid driver option "size"/);
  assert.throws(() => store.create('vv', { driverOpts: { type: 'none', o: 'bind', device: 'relative' } }), /absolute "device"/);
  assert.throws(() => store.create('vv', { driverOpts: { o: 'bind' } }), /"type" is required/);
  assert.throws(() => store.create('vv', { driverOpts: { type: 'ext4' } }), /"device" is required/);
  assert.deepEqual(store.list(), []);
  assert.ok(!existsSync(store.paths.volumes) || readdirSync(store.paths.volumes).length === 0);
});

test('a bind-style volume uses its device as mountpoint and must find it when prepared', async (t) => {
  const { dir, store } = fresh(t);
  const dev = join(dir, 'srv');
  const v = store.create('binder', { driverOpts: { type: 'none', o: 'bind', device: dev } });
  assert.equal(v.mountpoint, dev);
  await assert.rejects(store.prepare('binder'), /bind device .* does not exist/);
  mkdirSync(dev);
  writeFileSync(join(dev, 'keep'), 'precious');
  assert.equal(await store.prepare('binder'), dev);
  await store.remove('binder', new Map());
  assert.ok(existsSync(join(dev, 'keep')), 'removing a bind volume never touches its device');
});

test('anonymous volumes get a random name and a label', (t) => {
  const { store } = fresh(t);
  const a = store.create(undefined, { labels: { 'com.docker.compose.project': 'demo' } });
  assert.match(a.name, /^[0-9a-f]{64}$/);
  assert.equal(a.anonymous, true);
  assert.equal(a.labels[ANONYMOUS_LABEL], '');
});

test('list filters by label, name, driver and dangling', (t) => {
  const { store } = fresh(t);
  store.create('alpha', { labels: { tier: 'db', team: 'x' } });
  store.create('beta', { labels: { tier: 'web' } });
  store.create('gamma');
  const names = (f: Parameters<VolumeStore['list']>[0], inUse = new Map<string, string[]>()) => store.list(f, inUse).map((v) => v.name);
  assert.deepEqual(names({}), ['alpha', 'beta', 'gamma']);
  assert.deepEqual(names({ label: ['tier'] }), ['alpha', 'beta']);
  assert.deepEqual(names({ label: ['tier=db'] }), ['alpha']);
  assert.deepEqual(names({ label: ['tier', 'team=x'] }), ['alpha']);
  assert.deepEqual(names({ name: ['et', 'amm'] }), ['beta', 'gamma']);
  assert.deepEqual(names({ driver: ['local'] }), ['alpha', 'beta', 'gamma']);
  assert.deepEqual(names({ dangling: true }, new Map([['beta', ['c1']]])), ['alpha', 'gamma']);
  assert.deepEqual(names({ dangling: false }, new Map([['beta', ['c1']]])), ['beta']);
});

test('remove refuses a volume in use and deletes data without following symlinks', async (t) => {
  const { dir, store } = fresh(t);
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'file'), 'x');
  const v = store.create('data1');
  symlinkSync(outside, join(v.mountpoint, 'link'));
  writeFileSync(join(v.mountpoint, 'f'), 'data');
  await assert.rejects(store.remove('data1', new Map([['data1', ['web-1']]])), /remove data1: volume is in use - \[web-1\]/);
  await store.remove('data1', new Map());
  assert.equal(store.get('data1'), undefined);
  assert.ok(!existsSync(store.dir('data1')));
  assert.ok(existsSync(join(outside, 'file')));
  await assert.rejects(store.remove('data1', new Map()), /no such volume: data1/);
  await store.remove('data1', new Map(), { force: true });
});

test('prune removes unused anonymous volumes (all unused with --all) and counts the bytes', async (t) => {
  const { store } = fresh(t);
  const anon = store.create(undefined);
  writeFileSync(join(anon.mountpoint, 'blob'), Buffer.alloc(1500));
  const busy = store.create(undefined);
  store.create('named');
  const r1 = await store.prune(new Map([[busy.name, ['c1']]]));
  assert.deepEqual(r1.removed, [anon.name]);
  assert.equal(r1.reclaimed, 1500);
  const r2 = await store.prune(new Map([[busy.name, ['c1']]]), { all: true });
  assert.deepEqual(r2.removed, ['named']);
  assert.deepEqual(store.list().map((v) => v.name), [busy.name]);
});

test('in-use comes from attached users whose container still exists', (t) => {
  const { store } = fresh(t);
  store.create('shared');
  store.attach('shared', 'c1');
  store.attach('shared', 'c2');
  mkdirSync(join(store.paths.containers, 'c1'), { recursive: true });
  assert.deepEqual([...volumesInUse(store)], [['shared', ['c1']]]);
  store.detach('shared', 'c1');
  assert.deepEqual([...volumesInUse(store)], []);
  assert.throws(() => store.attach('missing', 'c1'), /no such volume/);
  assert.throws(() => store.attach('shared', '../../x'), /invalid volume name/);
});

test('a half-created volume (directory without record) is not listed and can be created again', (t) => {
  const { store } = fresh(t);
  mkdirSync(join(store.paths.volumes, 'half', '_data'), { recursive: true });
  mkdirSync(join(store.paths.volumes, 'not a volume!'), { recursive: true });
  assert.deepEqual(store.list(), []);
  assert.equal(store.create('half').name, 'half');
  assert.deepEqual(store.list().map((v) => v.name), ['half']);
});
