// Volume copy-up on real files (root: ownership, device nodes, trusted.*
// xattrs): what the image has at the mount point goes into a new empty
// volume with its metadata; hostile symlinks are copied as links, never followed; a volume
// populated once is never copied into again.
import assert from 'node:assert/strict';
import {
  chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync,
  statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lgetxattr, lsetxattr, mkfifo, mknod } from '../../../src/native/fs-ops.js';
import { statePaths } from '../../../src/state/paths.js';
import { VolumeStore } from '../../../src/volume/store.js';
import { copyImageContent } from '../../../src/volume/copy-up.js';
import { isRoot, tempDir } from '../../helpers/env.js';
import { constants } from 'node:fs';

function fixture(rootfs: string, outside: string): void {
  const data = join(rootfs, 'srv/data');
  mkdirSync(join(data, 'sub/deeper'), { recursive: true });
  writeFileSync(join(data, 'a.txt'), 'alpha');
  chownSync(join(data, 'a.txt'), 1234, 5678);
  chmodSync(join(data, 'a.txt'), 0o640);
  writeFileSync(join(data, 'sub/deeper/tool'), '#!/bin/sh\n');
  chmodSync(join(data, 'sub/deeper/tool'), 0o4755);
  try { lsetxattr(join(data, 'a.txt'), 'user.origin', 'image'); } catch { /* a tmpfs /tmp before Linux 6.6 has no user.* */ }
  lsetxattr(join(data, 'sub'), 'trusted.marker', Buffer.from([1, 2, 3]));
  chownSync(join(data, 'sub'), 42, 43);
  chmodSync(join(data, 'sub'), 0o750);
  linkSync(join(data, 'a.txt'), join(data, 'hard.txt'));
  symlinkSync('a.txt', join(data, 'rel-link'));
  symlinkSync(outside, join(data, 'abs-out'));               // absolute: would be a host path if followed
  symlinkSync('../../../../../../..' + outside, join(data, 'dotdot-out'));
  symlinkSync(join(outside, '..'), join(data, 'dir-out'));   // a directory outside
  mkfifo(join(data, 'pipe'), 0o620);
  mknod(join(data, 'null'), constants.S_IFCHR | 0o666, 1, 3);
  chmodSync(join(rootfs, 'srv/data'), 0o1777);
  // The mount point itself reached through a symlink that points outside the root.
  mkdirSync(join(rootfs, 'opt'), { recursive: true });
  symlinkSync('/../../srv/data', join(rootfs, 'opt/link'));
}

test('copy-up copies the image content with its metadata and never follows a symlink', { skip: !isRoot }, (t) => {
  const tmp = tempDir('berth-copyup-');
  t.after(() => tmp.cleanup());
  const outside = join(tmp.path, 'outside/secret');
  mkdirSync(join(tmp.path, 'outside'));
  writeFileSync(outside, 'host secret');
  const rootfs = join(tmp.path, 'rootfs');
  fixture(rootfs, outside);
  const dest = join(tmp.path, 'vol');
  mkdirSync(dest);

  const stats = copyImageContent(rootfs, '/opt/link', dest); // resolved inside the root: /srv/data
  assert.deepEqual(readdirSync(dest).sort(), ['a.txt', 'abs-out', 'dir-out', 'dotdot-out', 'hard.txt', 'null', 'pipe', 'rel-link', 'sub']);
  assert.equal(stats.entries, 11);
  assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'alpha');
  const a = statSync(join(dest, 'a.txt'));
  assert.deepEqual([a.uid, a.gid, a.mode & 0o7777, a.nlink], [1234, 5678, 0o640, 2]);
  assert.equal(statSync(join(dest, 'hard.txt')).ino, a.ino, 'hard links stay hard links');
  assert.equal(lgetxattr(join(dest, 'a.txt'), 'user.origin')?.toString(), lgetxattr(join(rootfs, 'srv/data/a.txt'), 'user.origin')?.toString());
  assert.deepEqual([...(lgetxattr(join(dest, 'sub'), 'trusted.marker') ?? [])], [1, 2, 3]);
  const sub = statSync(join(dest, 'sub'));
  assert.deepEqual([sub.uid, sub.gid, sub.mode & 0o7777], [42, 43, 0o750]);
  assert.equal(statSync(join(dest, 'sub/deeper/tool')).mode & 0o7777, 0o4755, 'set-uid survives the chown');
  assert.equal(statSync(dest).mode & 0o7777, 0o1777, 'the volume root takes the image directory mode');
  assert.equal(readlinkSync(join(dest, 'rel-link')), 'a.txt');
  assert.equal(readlinkSync(join(dest, 'abs-out')), outside, 'copied as a link, not its target');
  assert.ok(lstatSync(join(dest, 'dir-out')).isSymbolicLink());
  assert.ok(lstatSync(join(dest, 'pipe')).isFIFO());
  assert.ok(lstatSync(join(dest, 'null')).isCharacterDevice());
  assert.equal(readFileSync(outside, 'utf8'), 'host secret');
  assert.deepEqual(readdirSync(join(tmp.path, 'outside')), ['secret'], 'nothing written outside the volume');

  // A path the image does not have, or a file: nothing is copied.
  const empty = join(tmp.path, 'vol2');
  mkdirSync(empty);
  assert.equal(copyImageContent(rootfs, '/nope', empty).entries, 0);
  assert.equal(copyImageContent(rootfs, '/srv/data/a.txt', empty).entries, 0);
  assert.deepEqual(readdirSync(empty), []);
});

test('a volume is copied into once: populated volumes and non-empty ones are left alone', { skip: !isRoot }, async (t) => {
  const tmp = tempDir('berth-copyup-');
  t.after(() => tmp.cleanup());
  const rootfs = join(tmp.path, 'rootfs');
  mkdirSync(join(rootfs, 'data'), { recursive: true });
  writeFileSync(join(rootfs, 'data/seed'), 'from the image');
  const store = new VolumeStore(statePaths(join(tmp.path, 'state'), {}), { lockTimeoutMs: 120_000 });

  const v = store.create('vol1');
  assert.equal(await store.copyUp('vol1', rootfs, '/data'), 1);
  assert.equal(readFileSync(join(v.mountpoint, 'seed'), 'utf8'), 'from the image');
  assert.ok(store.inspect('vol1').populatedAt);
  // Emptied by a container later: never filled again.
  rmSync(join(v.mountpoint, 'seed'));
  assert.equal(await store.copyUp('vol1', rootfs, '/data'), 0);
  assert.deepEqual(readdirSync(v.mountpoint), []);

  // A volume that already has data is not overwritten (and counts as populated).
  const w = store.create('vol2');
  writeFileSync(join(w.mountpoint, 'seed'), 'mine');
  assert.equal(await store.copyUp('vol2', rootfs, '/data'), 0);
  assert.equal(readFileSync(join(w.mountpoint, 'seed'), 'utf8'), 'mine');
  assert.ok(store.inspect('vol2').populatedAt);

  // Nothing at the mount point in the image: still unpopulated, a later image may fill it.
  store.create('vol3');
  assert.equal(await store.copyUp('vol3', rootfs, '/elsewhere'), 0);
  assert.equal(store.inspect('vol3').populatedAt, undefined);
  assert.equal(await store.copyUp('vol3', rootfs, '/data'), 1);
  assert.ok(existsSync(join(store.dataDir('vol3'), 'seed')));
});

test('a copy that fails half-way leaves the volume empty and unpopulated', { skip: !isRoot }, async (t) => {
  const tmp = tempDir('berth-copyup-');
  const store = new VolumeStore(statePaths(join(tmp.path, 'state'), {}), { lockTimeoutMs: 120_000 });
  t.after(async () => { await store.remove('tiny', new Map(), { force: true }).catch(() => undefined); tmp.cleanup(); });
  const rootfs = join(tmp.path, 'rootfs');
  mkdirSync(join(rootfs, 'data'), { recursive: true });
  writeFileSync(join(rootfs, 'data/a-small'), 'fits');
  writeFileSync(join(rootfs, 'data/b-big'), Buffer.alloc(256 * 1024, 7));
  store.create('tiny', { driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=64k' } });
  const data = await store.prepare('tiny'); // a real 64 KiB tmpfs: the big file cannot fit
  await assert.rejects(store.copyUp('tiny', rootfs, '/data'), /volume tiny: copying the image content at \/data into it: .*ENOSPC/);
  assert.deepEqual(readdirSync(data), []);
  assert.equal(store.inspect('tiny').populatedAt, undefined);
});
