// The addon's mount layer against the real kernel: overlay with relative
// lower dirs (from a private-cwd thread), the one-page limit, errors.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mount, mountOverlay, MS, MNT, umount2 } from '../../../src/native/mount.js';
import { isMounted } from '../../../src/container/rootfs.js';
import { tempDir } from '../../helpers/env.js';

describe('addon mount layer', () => {
  const tmp = tempDir('berth-mnt-');
  const mounted: string[] = [];
  after(async () => {
    for (const m of mounted.reverse()) await umount2(m, MNT.DETACH).catch(() => undefined);
    tmp.cleanup();
  });

  function layers(base: string, names: string[]): void {
    for (const [i, n] of names.entries()) {
      mkdirSync(join(base, n), { recursive: true });
      writeFileSync(join(base, n, `only-${i}`), String(i));
      writeFileSync(join(base, n, 'shared'), `layer ${i}`);
    }
  }

  it('mounts an overlay from relative lower dirs, top-most first, without moving the process cwd', async () => {
    const base = join(tmp.path, 'l');
    layers(base, ['top', 'mid', 'bottom']);
    const [upper, work, target] = ['upper', 'work', 'merged'].map((d) => join(tmp.path, d));
    for (const d of [upper, work, target]) mkdirSync(d!);
    const cwd = process.cwd();
    await mountOverlay({ base, lower: ['top', 'mid', 'bottom'], upper: upper!, work: work!, target: target! });
    mounted.push(target!);
    assert.equal(process.cwd(), cwd);
    assert.ok(isMounted(target!));
    assert.equal(readFileSync(join(target!, 'shared'), 'utf8'), 'layer 0');
    assert.equal(readFileSync(join(target!, 'only-2'), 'utf8'), '2');
    writeFileSync(join(target!, 'new'), 'x');
    assert.ok(existsSync(join(upper!, 'new')));
    assert.ok(!existsSync(join(base, 'top', 'new')));
    // A relative path used right after still resolves against the process cwd.
    assert.ok(existsSync('package.json') === existsSync(join(cwd, 'package.json')));
    await umount2(target!, 0);
    mounted.pop();
    assert.ok(!isMounted(target!));
  });

  it('fits 120 layers with long base paths; refuses clearly when even relative paths overflow', async () => {
    const base = join(tmp.path, 'store-with-a-rather-long-path-name/and/deeper/still/links');
    const name = (i: number) => `L${String(i).padStart(25, '0')}`; // 26 chars, like Docker's link names
    const many = Array.from({ length: 120 }, (_, i) => name(i));
    layers(base, many);
    const [upper, work, target] = ['u2', 'w2', 'm2'].map((d) => join(tmp.path, d));
    for (const d of [upper, work, target]) mkdirSync(d!);
    assert.ok(many.map((n) => join(base, n)).join(':').length > 4096, 'absolute form would not fit');
    await mountOverlay({ base, lower: many, upper: upper!, work: work!, target: target! });
    mounted.push(target!);
    assert.equal(readFileSync(join(target!, 'shared'), 'utf8'), 'layer 0');
    assert.equal(readFileSync(join(target!, 'only-119'), 'utf8'), '119');
    await umount2(target!, 0);
    mounted.pop();

    const tooMany = Array.from({ length: 200 }, (_, i) => name(i));
    await assert.rejects(mountOverlay({ base, lower: tooMany, upper: upper!, work: work!, target: target! }),
      (e: NodeJS.ErrnoException) => e.code === 'E2BIG' && /4095/.test(e.message) && /200 layers/.test(e.message));
  });

  it('reports errno codes and rejects paths that could escape', async () => {
    await assert.rejects(mount('tmpfs', join(tmp.path, 'nope/nope'), 'tmpfs', MS.NOSUID), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && /mount .*nope/.test(e.message));
    await assert.rejects(umount2(join(tmp.path), 0), (e: NodeJS.ErrnoException) => e.code === 'EINVAL');
    await assert.rejects(mountOverlay({ base: tmp.path, lower: ['../etc'], upper: '/u', work: '/w', target: '/t' }), /without '\.\.'/);
    await assert.rejects(mountOverlay({ base: tmp.path, lower: ['/etc'], upper: '/u', work: '/w', target: '/t' }), /relative/);
    await assert.rejects(mountOverlay({ base: tmp.path, lower: ['a,upperdir=/x'], upper: '/u', work: '/w', target: '/t' }), /bad lower layer path/);
    await assert.rejects(mountOverlay({ base: join(tmp.path, 'missing'), lower: ['a'], upper: tmp.path, work: tmp.path, target: tmp.path }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && /chdir/.test(e.message));
  });

  it('mounts and unmounts a tmpfs with data', async () => {
    const t = join(tmp.path, 'tmpfs');
    mkdirSync(t);
    await mount('tmpfs', t, 'tmpfs', MS.NOSUID | MS.NODEV, 'size=1m,mode=700');
    mounted.push(t);
    assert.ok(isMounted(t));
    writeFileSync(join(t, 'f'), 'x');
    await umount2(t, 0);
    mounted.pop();
    assert.ok(!existsSync(join(t, 'f')));
  });
});
