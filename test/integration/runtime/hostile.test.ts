// Hostile bundles: symlinks in the image that point outside the rootfs must
// not carry mounts or device nodes out of it; malformed configs fail cleanly.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { defaultConfig, makeBundle } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';
import { RuntimeHarness } from './harness.js';

function withLinux(extra: object): string {
  const c = defaultConfig(['sh']);
  return JSON.stringify({ ...c, linux: { ...c.linux, ...extra } });
}

describe('berth-runtime with hostile bundles', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  let rootfs: string;
  let outside: string;
  before(() => {
    h = new RuntimeHarness(['berth']);
    outside = join(h.dir, 'outside');
    mkdirSync(outside);
    rootfs = join(h.dir, 'evil-rootfs');
    mkdirSync(rootfs);
    makeBusyboxRootfs(rootfs);
    // relative and absolute links that leave the rootfs on the host
    symlinkSync('../../../../../../../../..' + outside, join(rootfs, 'etc/rel'));
    symlinkSync(outside, join(rootfs, 'etc/abs'));
    symlinkSync(outside, join(rootfs, 'dev-link'));
  });
  after(() => h?.cleanup());

  test('mount destinations behind symlinks stay inside the rootfs', () => {
    const rt = h.berth;
    const c = defaultConfig(['sh', '-c', 'mount | grep -c "/sub type tmpfs"']);
    c.root.readonly = false;
    c.mounts.push({ destination: '/etc/rel/sub', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    c.mounts.push({ destination: '/etc/abs/sub', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    c.mounts.push({ destination: '/etc/abs/file', type: 'bind', source: '/etc/hostname', options: ['bind', 'ro'] });
    const r = rt.run(['run', '--bundle', makeBundle(h.dir, 'evil-mounts', rootfs, c), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '2\n');
    assert.deepEqual(readdirSync(outside), [], 'nothing created outside the rootfs');
  });

  test('device nodes behind symlinks stay inside the rootfs', () => {
    const rt = h.berth;
    const c = defaultConfig(['sh', '-c', 'echo x > /dev/mynull && ls -l /dev/mynull | cut -c1']);
    c.root.readonly = false;
    c.linux.devices = [
      { path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
      { path: '/dev-link/evil', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
    ];
    const r = rt.run(['run', '--bundle', makeBundle(h.dir, 'evil-devices', rootfs, c), h.id(rt)]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'c\n');
    assert.deepEqual(readdirSync(outside), []);
  });

  test('malformed configs: one line, no state left', () => {
    const rt = h.berth;
    const cases: Array<[string, RegExp]> = [
      ['['.repeat(5000) + ']'.repeat(5000), /nesting too deep/],
      ['{"process": {"args": ["sh"]}, "process": {}}', /duplicate key/],
      ['{"process": {"args": ["\\ud800"]}}', /lone surrogate/],
      ['{"root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "relative"}}', /process\.cwd must be absolute/],
      [JSON.stringify({ ...defaultConfig(['sh']), linux: { namespaces: [{ type: 'user' }, { type: 'mount' }] } }), /a user namespace needs linux\.uidMappings and linux\.gidMappings/],
      [JSON.stringify({ ...defaultConfig(['sh']), linux: { namespaces: [{ type: 'bogus' }] } }), /unknown namespace type bogus/],
      [withLinux({ sysctl: { 'kernel/../../x': '1' } }), /sysctl kernel\/\.\.\/\.\.\/x: invalid key/],
      [withLinux({ seccomp: { defaultAction: 'SCMP_ACT_NOPE' } }), /seccomp: unsupported action SCMP_ACT_NOPE/],
      [withLinux({ seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }] } }), /argument index 9 out of range/],
      [withLinux({ resources: { memory: { limit: 'lots' } } }), /limit must be a number, not string/],
      [withLinux({ cgroupsPath: '/../../etc' }), /invalid cgroups path/],
    ];
    for (const [text, pattern] of cases) {
      const id = h.id(rt);
      const bundle = join(h.dir, `bad-${id}`);
      mkdirSync(bundle);
      symlinkSync(h.rootfs, join(bundle, 'rootfs'));
      writeFileSync(join(bundle, 'config.json'), text);
      const r = rt.run(['create', '--bundle', bundle, id]);
      assert.equal(r.status, 1, text.slice(0, 80));
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
      assert.equal(h.state(rt, id), null);
      assert.ok(!existsSync(`/sys/fs/cgroup/pids/berth/${id}`) && !existsSync(`/sys/fs/cgroup/berth/${id}`));
    }
  });
});
