// The state root's per-object parents are marked as tops of hierarchies
// (ext4's FS_TOPDIR_FL), so each container's files get a block group of their
// own; and isMountRoot answers as the mount table does, with one statx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isRoot, tempDir } from '../../helpers/env.js';
import { isMountRoot, markTopDir } from '../../../src/native/fs-ops.js';
import { MS, mount, umount2 } from '../../../src/native/mount.js';
import { prepareStateRoot, statePaths } from '../../../src/state/paths.js';

/** lsattr's flags of a directory, or undefined when the file system has none to show. */
function flagsOf(dir: string): string | undefined {
  const r = spawnSync('lsattr', ['-d', dir], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(' ')[0] : undefined;
}

/** Whether the test's temporary directories are on a file system with the flag (ext2/3/4). */
function topDirSupported(): boolean {
  const t = tempDir();
  try { return markTopDir(t.path); } finally { t.cleanup(); }
}

const spread = (root: string, runtime: string) => [
  root, runtime,
  join(root, 'containers'), join(root, 'images'), join(root, 'images/layers'), join(root, 'images/tmp'),
  join(root, 'volumes'), join(root, 'networks'), join(root, 'projects'),
  join(runtime, 'c'), join(runtime, 'oci'),
];

test('a fresh root and runtime dir get their layout, each directory marked +T, with the modes their users give them', { skip: !topDirSupported() && 'the temporary directory is not on ext2/3/4' }, () => {
  const t = tempDir();
  try {
    const root = join(t.path, 'root'), runtime = join(t.path, 'runtime');
    prepareStateRoot(statePaths(root, { runtimeDir: runtime }));
    for (const dir of spread(root, runtime)) {
      assert.ok(existsSync(dir), dir);
      assert.match(flagsOf(dir) ?? '', /T/, `${dir} is not marked`);
    }
    // The modes their first users give them when they make them.
    for (const dir of ['containers', 'images', 'images/layers', 'images/tmp']) assert.equal(statSync(join(root, dir)).mode & 0o777, 0o700, dir);
    for (const dir of ['c', 'oci']) assert.equal(statSync(join(runtime, dir)).mode & 0o777, 0o700, dir);
    for (const dir of ['volumes', 'networks', 'projects']) assert.equal(statSync(join(root, dir)).mode & 0o777, 0o755, dir);
    assert.equal(statSync(root).mode & 0o777, 0o710);
  } finally { t.cleanup(); }
});

test('an existing layout is left as it is: a root given as an empty directory is marked, one already in use is not', { skip: !topDirSupported() && 'the temporary directory is not on ext2/3/4' }, () => {
  const t = tempDir();
  try {
    // A root that exists but is empty (a test's mkdtemp): its layout is new, so it is marked.
    const given = join(t.path, 'given');
    mkdirSync(given);
    prepareStateRoot(statePaths(given, {}));
    assert.match(flagsOf(given) ?? '', /T/);
    assert.match(flagsOf(join(given, 'containers')) ?? '', /T/);
    // A root in use (it has containers/) is not touched: no flag set, no directory made.
    const used = join(t.path, 'used');
    mkdirSync(join(used, 'containers'), { recursive: true });
    mkdirSync(join(used, 'run', 'c'), { recursive: true });
    prepareStateRoot(statePaths(used, {}));
    assert.doesNotMatch(flagsOf(used) ?? '', /T/);
    assert.deepEqual(readdirSync(used).sort(), ['containers', 'run']);
  } finally { t.cleanup(); }
});

test('a root on a file system without the flag (tmpfs) gets no layout made ahead', { skip: !isRoot && 'needs root to mount a tmpfs' }, async () => {
  const t = tempDir();
  const mnt = join(t.path, 'tmpfs');
  mkdirSync(mnt);
  await mount('tmpfs', mnt, 'tmpfs', MS.NOSUID | MS.NODEV, 'size=1m');
  try {
    const root = join(mnt, 'root');
    prepareStateRoot(statePaths(root, {}));
    assert.deepEqual(readdirSync(root), ['run'], 'only the root and its runtime dir');
    assert.equal(markTopDir(root), false);
  } finally {
    await umount2(mnt, 0);
    t.cleanup();
  }
});

/** The mount table's answer, as the code before statx read it. */
const inMountTable = (path: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);

test('isMountRoot agrees with the mount table, a bind mount of the same file system included', { skip: !isRoot && 'needs root to mount' }, async () => {
  const t = tempDir();
  const dir = join(t.path, 'd'), bind = join(t.path, 'bind'), mnt = join(t.path, 'tmpfs');
  for (const d of [dir, bind, mnt]) mkdirSync(d);
  symlinkSync(mnt, join(t.path, 'link'));
  try {
    assert.equal(isMountRoot('/'), true);
    assert.equal(isMountRoot('/proc'), inMountTable('/proc'));
    assert.equal(isMountRoot(dir), false);
    assert.equal(isMountRoot(join(t.path, 'missing')), false);
    assert.equal(isMountRoot(join(t.path, 'missing', 'deeper')), false);
    await mount('tmpfs', mnt, 'tmpfs', MS.NOSUID | MS.NODEV, 'size=1m');
    await mount(dir, bind, null, MS.BIND);
    try {
      for (const p of [mnt, bind]) {
        assert.equal(inMountTable(p), true);
        assert.equal(isMountRoot(p), true, p);
      }
      assert.equal(isMountRoot(join(t.path, 'link')), false, 'a symlink to a mount point is not one');
      assert.equal(statSync(bind).dev, statSync(t.path).dev, 'the bind mount has its parent\'s device: st_dev alone could not tell');
    } finally {
      await umount2(bind, 0);
      await umount2(mnt, 0);
    }
    assert.equal(isMountRoot(mnt), false);
    rmdirSync(bind);
  } finally { t.cleanup(); }
});
