// Docker's default seccomp profile (as src/container generates it) under
// berth-runtime and runc: the same syscalls pass and the same ones fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultSeccompProfile } from '../../../src/container/seccomp-default.js';
import { defaultConfig } from '../../helpers/bundle.js';
import { isRoot } from '../../helpers/env.js';
import { RuntimeHarness } from './harness.js';

describe('berth-runtime with Docker\'s default seccomp profile', { skip: !isRoot && 'needs root' }, () => {
  let h: RuntimeHarness;
  before(() => { h = new RuntimeHarness(['berth', 'runc']); });
  after(() => h?.cleanup());

  test('allowed syscalls work, privileged ones fail with EPERM, like runc', () => {
    const script = [
      'echo start', 'ls / > /dev/null && echo ls=ok', 'date +%Y > /dev/null && echo date=ok',
      'unshare -n true 2>/dev/null; echo unshare=$?', 'mount -t tmpfs x /tmp 2>/dev/null; echo mount=$?',
      'chroot / true 2>/dev/null; echo chroot=$?', 'sleep 0 && echo sleep=ok', 'echo end',
    ].join('; ');
    const c = defaultConfig(['sh', '-c', script]);
    c.linux.seccomp = defaultSeccompProfile(c.process.capabilities.bounding);
    const bundle = h.bundle(c);
    const outs = h.runtimes.map((rt) => {
      const r = rt.run(['run', '--bundle', bundle, h.id(rt)]);
      assert.equal(r.status, 0, `${rt.name}: ${r.stderr}`);
      return r.stdout;
    });
    assert.equal(outs[0], 'start\nls=ok\ndate=ok\nunshare=1\nmount=1\nchroot=1\nsleep=ok\nend\n');
    for (const o of outs) assert.equal(o, outs[0]);
  });
});
