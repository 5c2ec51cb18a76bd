import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { tempDir } from '../../helpers/env.js';
import { makeTar, type Entry } from '../../helpers/tarball.js';
import { cleanComponents, unpackLayer } from '../../../src/image/layer-unpack.js';

async function unpack(entries: Entry[], opts: { gzip?: boolean; diffId?: string; devices?: 'allow' | 'skip' | 'reject' } = {}) {
  const t = tempDir('berth-unpack-');
  const tarball = join(t.path, 'layer.tar');
  const data = await makeTar(entries, { gzip: opts.gzip });
  writeFileSync(tarball, data);
  const dest = join(t.path, 'root', 'diff');
  mkdirSync(dest, { recursive: true });
  // a sentinel outside the layer that a hostile entry would try to reach
  writeFileSync(join(t.path, 'root', 'outside'), 'untouched');
  return { t, dest, outside: join(t.path, 'root', 'outside'), data, run: () => unpackLayer(tarball, dest, { diffId: opts.diffId, devices: opts.devices }) };
}

test('cleanComponents clamps .. and absolute paths to the root', () => {
  assert.deepEqual(cleanComponents('/etc/passwd'), ['etc', 'passwd']);
  assert.deepEqual(cleanComponents('../../etc/passwd'), ['etc', 'passwd']);
  assert.deepEqual(cleanComponents('a/./b/../../../c'), ['c']);
  assert.deepEqual(cleanComponents('./'), []);
});

test('a plain layer unpacks with modes, symlinks, hardlinks and the right diff ID', async () => {
  const u = await unpack([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/tool', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
    { name: 'bin/alias', type: 'link', linkname: 'bin/tool' },
    { name: 'etc/motd', body: 'hello' },
    { name: 'etc/abs', type: 'symlink', linkname: '/etc/motd' },
  ], { gzip: true });
  try {
    const r = await u.run();
    assert.equal(r.diffId, 'sha256:' + createHash('sha256').update(gunzipSync(u.data)).digest('hex'));
    assert.equal(readFileSync(join(u.dest, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(lstatSync(join(u.dest, 'bin/tool')).mode & 0o777, 0o755);
    assert.equal(lstatSync(join(u.dest, 'bin/alias')).ino, lstatSync(join(u.dest, 'bin/tool')).ino);
    assert.equal(readlinkSync(join(u.dest, 'etc/abs')), '/etc/motd');
    assert.equal(lstatSync(join(u.dest, 'etc')).isDirectory(), true, 'implicit parent directories are created');
  } finally { u.t.cleanup(); }
});

test('absolute and .. paths stay inside the layer', async () => {
  const u = await unpack([
    { name: '/abs.txt', body: 'a' },
    { name: '../../../outside', body: 'pwned' },
    { name: 'x/../../outside', body: 'pwned' },
  ]);
  try {
    await u.run();
    assert.equal(readFileSync(u.outside, 'utf8'), 'untouched');
    assert.equal(readFileSync(join(u.dest, 'outside'), 'utf8'), 'pwned');
    assert.equal(readFileSync(join(u.dest, 'abs.txt'), 'utf8'), 'a');
  } finally { u.t.cleanup(); }
});

test('a file written through a symlink that points outside is rejected', async () => {
  const u = await unpack([
    { name: 'esc', type: 'symlink', linkname: '..' },
    { name: 'esc/outside', body: 'pwned' },
  ]);
  try {
    await assert.rejects(u.run(), /goes through a symlink/);
    assert.equal(readFileSync(u.outside, 'utf8'), 'untouched');
  } finally { u.t.cleanup(); }
});

test('an absolute symlink to a directory cannot be used as a parent either', async () => {
  const u = await unpack([
    { name: 'etc', type: 'symlink', linkname: '/etc' },
    { name: 'etc/berth-pwned', body: 'pwned' },
  ]);
  try {
    await assert.rejects(u.run(), /symlink/);
    assert.equal(existsSync('/etc/berth-pwned'), false);
  } finally { u.t.cleanup(); }
});

test('a file entry over an existing symlink replaces the link, never writes through it', async () => {
  const u = await unpack([
    { name: 'link', type: 'symlink', linkname: '../outside' },
    { name: 'link', body: 'replaced' },
  ]);
  try {
    await u.run();
    assert.equal(readFileSync(u.outside, 'utf8'), 'untouched');
    assert.equal(lstatSync(join(u.dest, 'link')).isFile(), true);
    assert.equal(readFileSync(join(u.dest, 'link'), 'utf8'), 'replaced');
  } finally { u.t.cleanup(); }
});

test('hardlinks to files outside the layer are clamped inside or rejected', async () => {
  const u = await unpack([{ name: 'hl', type: 'link', linkname: '../outside' }]);
  try {
    await assert.rejects(u.run(), /entry "hl": hard link to "\.\.\/outside" points outside the layer$/);
    assert.equal(readFileSync(u.outside, 'utf8'), 'untouched');
  } finally { u.t.cleanup(); }
  const v = await unpack([
    { name: 'esc', type: 'symlink', linkname: '..' },
    { name: 'hl', type: 'link', linkname: 'esc/outside' },
  ]);
  try {
    await assert.rejects(v.run(), /symlink/);
  } finally { v.t.cleanup(); }
});

test('a hardlink to a symlink links the symlink itself', async () => {
  const u = await unpack([
    { name: 'sl', type: 'symlink', linkname: '/etc/shadow' },
    { name: 'hl', type: 'link', linkname: 'sl' },
  ]);
  try {
    await u.run();
    assert.equal(lstatSync(join(u.dest, 'hl')).isSymbolicLink(), true);
  } finally { u.t.cleanup(); }
});

test('a wrong diff ID is a digest mismatch', async () => {
  const u = await unpack([{ name: 'f', body: 'x' }], { diffId: 'sha256:' + '0'.repeat(64) });
  try {
    await assert.rejects(u.run(), /digest mismatch/);
  } finally { u.t.cleanup(); }
});

test('a truncated gzip layer is reported as corrupt', async () => {
  const t = tempDir('berth-unpack-');
  try {
    const data = await makeTar([{ name: 'f', body: 'x'.repeat(100000) }], { gzip: true });
    writeFileSync(join(t.path, 'l.tgz'), data.subarray(0, data.length >> 1));
    mkdirSync(join(t.path, 'd'));
    await assert.rejects(unpackLayer(join(t.path, 'l.tgz'), join(t.path, 'd')), /corrupt|unexpected end/i);
  } finally { t.cleanup(); }
});

test('device nodes are skipped by default and rejected on request', async () => {
  const entries: Entry[] = [{ name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }, { name: 'ok', body: 'y' }];
  const u = await unpack(entries);
  try {
    const r = await u.run();
    assert.deepEqual(r.skipped, ['dev/sda']);
    assert.equal(existsSync(join(u.dest, 'dev/sda')), false);
  } finally { u.t.cleanup(); }
  const v = await unpack(entries, { devices: 'reject' });
  try {
    await assert.rejects(v.run(), /device nodes are not allowed/);
  } finally { v.t.cleanup(); }
});

test('a later directory entry over a file replaces it; deep trees keep working', async () => {
  const deep = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/');
  const u = await unpack([
    { name: 'a', body: 'file' },
    { name: 'a/', type: 'directory', mode: 0o750 },
    { name: 'a/b', body: 'inner' },
    { name: `${deep}/leaf`, body: 'deep' },
  ]);
  try {
    await u.run();
    assert.equal(lstatSync(join(u.dest, 'a')).mode & 0o777, 0o750);
    assert.equal(readFileSync(join(u.dest, 'a/b'), 'utf8'), 'inner');
    assert.equal(readFileSync(join(u.dest, deep, 'leaf'), 'utf8'), 'deep');
    assert.deepEqual(readdirSync(join(u.dest, '..')).sort(), ['diff', 'outside']);
  } finally { u.t.cleanup(); }
});

test('odd entries are a clear layer error, not a crash', async () => {
  const u = await unpack([{ name: 'a', body: 'x' }, { name: 'a/b', body: 'y' }]);
  try {
    await assert.rejects(u.run(), (e: Error) => e.name === 'BerthError' && /parent "a" is not a directory/.test(e.message));
  } finally { u.t.cleanup(); }
  const v = await unpack([{ name: 'x', body: 'x', pax: { path: 'bad\u0000name' } }]);
  try {
    await assert.rejects(v.run(), (e: Error) => e.name === 'BerthError' && /layer/.test(e.message));
  } finally { v.t.cleanup(); }
});

test('zstd layers unpack (through Node or the zstd program); a corrupt one is a layer error', { skip: !existsSync('/usr/bin/zstd') && 'zstd program not installed' }, async () => {
  const t = tempDir('berth-unpack-');
  try {
    const raw = await makeTar([{ name: 'z/file', body: 'zstd works' }]);
    writeFileSync(join(t.path, 'l.tar'), raw);
    const { spawnSync } = await import('node:child_process');
    assert.equal(spawnSync('/usr/bin/zstd', ['-q', join(t.path, 'l.tar'), '-o', join(t.path, 'l.tar.zst')]).status, 0);
    mkdirSync(join(t.path, 'd'));
    const r = await unpackLayer(join(t.path, 'l.tar.zst'), join(t.path, 'd'));
    assert.equal(r.diffId, 'sha256:' + createHash('sha256').update(raw).digest('hex'));
    assert.equal(readFileSync(join(t.path, 'd/z/file'), 'utf8'), 'zstd works');
    const zst = readFileSync(join(t.path, 'l.tar.zst'));
    writeFileSync(join(t.path, 'bad.zst'), Buffer.concat([zst.subarray(0, 8), Buffer.alloc(64, 7)]));
    mkdirSync(join(t.path, 'e'));
    await assert.rejects(unpackLayer(join(t.path, 'bad.zst'), join(t.path, 'e')), (e: Error) => e.name === 'BerthError' && /layer/.test(e.message));
  } finally { t.cleanup(); }
});

test('a rejected hard link says why, never the store path of the layer', async () => {
  const cases: Array<[Entry[], RegExp]> = [
    [[{ name: 'a', type: 'link', linkname: 'no/such/dir/file' }], /entry "a": hard link to "no\/such\/dir\/file": the target does not exist in the layer$/],
    [[{ name: 'b', type: 'link', linkname: 'missing' }], /entry "b": hard link to "missing": the target does not exist in the layer$/],
    [[{ name: 'c', type: 'link', linkname: 'x/../../../etc/shadow' }], /entry "c": hard link to "x\/..\/..\/..\/etc\/shadow" points outside the layer$/],
  ];
  for (const [entries, re] of cases) {
    const u = await unpack(entries);
    try {
      const e = await u.run().then(() => undefined, (x: Error) => x);
      assert.ok(e, 'rejected');
      assert.match(e.message, re);
      assert.ok(!e.message.includes(u.t.path), `no store path in: ${e.message}`);
    } finally { u.t.cleanup(); }
  }
});
