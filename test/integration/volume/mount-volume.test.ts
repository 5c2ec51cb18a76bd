// A local volume with driver_opts of a real filesystem (tmpfs here) is
// mounted on its _data when prepared and unmounted when removed. Builds whose
// addon lacks mount(2) must say so clearly instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addon } from '../../../src/native/addon.js';
import { statePaths } from '../../../src/state/paths.js';
import { mountPoints } from '../../../src/volume/host-mount.js';
import { VolumeStore } from '../../../src/volume/store.js';
import { isRoot, tempDir } from '../../helpers/env.js';

test('a tmpfs-backed volume is mounted on prepare and unmounted on remove', { skip: !isRoot && 'needs root' }, async (t) => {
  const d = tempDir();
  const store = new VolumeStore(statePaths(join(d.path, 'root'), {}), { lockTimeoutMs: 120_000 });
  t.after(() => {
    for (const m of mountPoints()) if (m.startsWith(d.path)) spawnSync('umount', ['-l', m]);
    d.cleanup();
  });
  store.create('scratch', { driverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,nosuid' } });
  const data = store.dataDir('scratch');
  if (typeof addon().mount !== 'function') {
    await assert.rejects(store.prepare('scratch'), /driver_opts type tmpfs needs a real mount, which is not supported yet/);
    return;
  }
  assert.equal(await store.prepare('scratch'), data);
  assert.ok(mountPoints().has(data));
  assert.equal(await store.prepare('scratch'), data); // already mounted: no second mount
  writeFileSync(join(data, 'f'), 'x');
  await store.remove('scratch', new Map());
  assert.ok(!mountPoints().has(data));
  assert.equal(store.get('scratch'), undefined);
});

test('remove refuses a volume with something still mounted inside', { skip: !isRoot && 'needs root' }, async (t) => {
  const d = tempDir();
  const store = new VolumeStore(statePaths(join(d.path, 'root'), {}), { lockTimeoutMs: 120_000 });
  const v = store.create('busy');
  const r = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', v.mountpoint]);
  assert.equal(r.status, 0, String(r.stderr));
  t.after(() => { spawnSync('umount', ['-l', v.mountpoint]); d.cleanup(); });
  writeFileSync(join(v.mountpoint, 'inside'), 'x');
  await assert.rejects(store.remove('busy', new Map()), /is still mounted; unmount it first/);
  assert.ok(store.get('busy'));
});
