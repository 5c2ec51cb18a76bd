// security_opt parsing (both separators, host LSMs) and the Docker-format
// seccomp profile conversion (archMap, includes/excludes), without a container.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertProfile } from '../../../src/container/seccomp-profile.js';
import { parseSecurityOpts } from '../../../src/container/security-opts.js';

const none = { apparmor: false, selinux: false };

test('security_opt: = and : forms, unconfined and disable accepted anywhere, LSM options need the LSM', () => {
  assert.deepEqual(parseSecurityOpts(['no-new-privileges'], none), { seccomp: 'default', noNewPrivileges: true });
  assert.deepEqual(parseSecurityOpts(['no-new-privileges=false', 'seccomp:unconfined'], none), { seccomp: 'unconfined', noNewPrivileges: false });
  assert.deepEqual(parseSecurityOpts(['seccomp=/p/x.json', 'systempaths=unconfined', 'apparmor=unconfined', 'label:disable'], none),
    { seccomp: { file: '/p/x.json' }, systemPathsUnconfined: true });
  assert.deepEqual(parseSecurityOpts(['apparmor=docker-default'], { apparmor: true, selinux: false }), { seccomp: 'default', apparmorProfile: 'docker-default' });
  assert.throws(() => parseSecurityOpts(['apparmor=docker-default'], none), /^BerthError: security_opt "apparmor=docker-default": AppArmor is not enabled on this host$|AppArmor is not enabled/);
  assert.throws(() => parseSecurityOpts(['label=type:x_t'], none), /SELinux is not enabled on this host/);
  assert.throws(() => parseSecurityOpts(['label=type:x_t'], { apparmor: false, selinux: true }), /not supported by berth/);
  assert.throws(() => parseSecurityOpts(['seccomp=rel.json'], none), /must be absolute/);
  assert.throws(() => parseSecurityOpts(['writable-cgroups=true'], none), /unknown option/);
});

test('seccomp profile: archMap picks the host entry, rules filtered by capability and architecture', () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [] },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN'] }, args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
    ],
  };
  const x64 = convertProfile(profile, ['CAP_CHOWN'], 'x64', 'p');
  assert.deepEqual(x64.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(x64.syscalls.map((s) => s.names[0]), ['read', 'arch_prctl', 'clone']);
  assert.equal(x64.defaultErrnoRet, 1);
  const arm = convertProfile(profile, ['CAP_SYS_ADMIN'], 'arm64', 'p');
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.deepEqual(arm.syscalls.map((s) => s.names[0]), ['read', 'mount']);
  assert.throws(() => convertProfile({ syscalls: [] }, [], 'x64', 'p.json'), /p\.json: defaultAction must be/);
  assert.throws(() => convertProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }, [], 'x64', 'p'), /syscalls\[0\]: names/);
  assert.throws(() => convertProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }] }, [], 'x64', 'p'), /args\[0\]/);
});
