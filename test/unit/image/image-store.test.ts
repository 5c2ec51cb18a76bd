// The store without root: layers without whiteouts or devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/env.js';
import { buildImage } from '../../helpers/images.js';
import { ImageStore } from '../../../src/image/image-store.js';
import { sha256 } from '../../../src/image/digest.js';

const L1 = [{ name: 'a', body: 'one' }];
const L2 = [{ name: 'b', body: 'two' }];

test('blobs are verified on write', () => {
  const t = tempDir('berth-store-');
  try {
    const s = new ImageStore(t.path);
    assert.throws(() => s.blobs.writeBytes(Buffer.from('x'), sha256('y'), 'thing'), /^BerthError: digest mismatch for thing/);
    assert.deepEqual(s.blobs.list(), []);
    const b = s.blobs.writeBytes(Buffer.from('x'), sha256('x'));
    assert.equal(s.blobs.read(b.digest).toString(), 'x');
    assert.deepEqual(readdirSync(s.blobs.tmpDir), []);
  } finally { t.cleanup(); }
});

test('resolve by name, normalized name, digest, full and short ID; layers shared by chain ID', async () => {
  const t = tempDir('berth-store-');
  try {
    const s = new ImageStore(t.path);
    const one = await buildImage(s, [L1, L2], ['registry.test/app:1'], { Cmd: ['run'] });
    const two = await buildImage(s, [L1], ['base']);
    assert.equal(s.resolve('registry.test/app:1').id, one.id);
    assert.equal(s.resolve('base').id, two.id);
    assert.equal(s.resolve('docker.io/library/base:latest').id, two.id);
    assert.equal(s.resolve(one.id).id, one.id);
    assert.equal(s.resolve(one.id.slice(7, 19)).id, one.id);
    assert.equal(s.resolve(`registry.test/app@${one.manifestDigest}`).id, one.id);
    assert.deepEqual(s.resolve('registry.test/app:1').config.Cmd, ['run']);
    assert.throws(() => s.resolve('registry.test/app:2'), /^BerthError: no such image: registry.test\/app:2$/);
    assert.equal(s.layers.list().length, 2, 'the shared bottom layer is unpacked once');
    const { base, lower } = s.rootfsLayers(one.id);
    assert.equal(base, t.path);
    assert.equal(lower.length, 2);
    assert.match(lower[0], /^l\/[a-z2-7]{10}$/);
    assert.equal(readFileSync(join(base, lower[0], 'b'), 'utf8'), 'two');
    assert.equal(readFileSync(join(base, lower[1], 'a'), 'utf8'), 'one');
  } finally { t.cleanup(); }
});

test('tag, untag, rm and prune keep shared and held layers', async () => {
  const t = tempDir('berth-store-');
  try {
    const s = new ImageStore(t.path);
    const one = await buildImage(s, [L1, L2], ['app:1']);
    const base = await buildImage(s, [L1], ['base:1']);
    await s.tag('app:1', 'app:latest');
    assert.deepEqual(s.resolve('app').repoTags.sort(), ['docker.io/library/app:1', 'docker.io/library/app:latest']);
    assert.deepEqual(await s.remove('app:1'), { untagged: ['docker.io/library/app:1'], deleted: [] });
    await s.acquire('app', 'ctr-1');
    await assert.rejects(s.remove('app'), /in use by container ctr-1/);
    assert.deepEqual((await s.prune({ all: true })).deleted, [base.id]);
    assert.equal(s.layers.list().length, 2, 'the held image keeps both layers, including the shared one');
    await s.release('ctr-1');
    const r = await s.remove('app');
    assert.deepEqual(r.deleted, [one.id]);
    assert.deepEqual(s.layers.list(), []);
    assert.deepEqual(s.blobs.list(), []);
    assert.deepEqual(readdirSync(s.layers.linksDir), []);
  } finally { t.cleanup(); }
});

test('concurrent commits of images sharing layers give one copy of each layer', async () => {
  const t = tempDir('berth-store-');
  try {
    const stores = [new ImageStore(t.path), new ImageStore(t.path), new ImageStore(t.path)];
    const imgs = await Promise.all(stores.map((s, i) => buildImage(s, [L1, L2, [{ name: `own-${i}`, body: String(i) }]], [`img:${i}`])));
    const s = stores[0];
    assert.equal(new Set(imgs.map((i) => i.id)).size, 3);
    assert.equal(s.layers.list().length, 5);
    assert.equal(readdirSync(s.layers.linksDir).length, 5);
    assert.deepEqual(readdirSync(s.layers.tmpDir), []);
    assert.equal(s.list().length, 3);
  } finally { t.cleanup(); }
});

test('a failed unpack leaves no layer, alias or temp dir', async () => {
  const t = tempDir('berth-store-');
  try {
    const s = new ImageStore(t.path);
    await assert.rejects(buildImage(s, [[{ name: 'x', type: 'symlink', linkname: '/' }, { name: 'x/etc/passwd', body: 'pwned' }]], ['bad:1']), /goes through a symlink/);
    assert.deepEqual(s.layers.list(), []);
    assert.deepEqual(readdirSync(s.layers.linksDir), []);
    assert.deepEqual(readdirSync(s.layers.tmpDir), []);
    assert.equal(s.lookup('bad:1'), undefined);
  } finally { t.cleanup(); }
});
