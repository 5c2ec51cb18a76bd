// Which commands need root, read from the effective capability set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertPrivileged, missingCapabilities, privilegeError } from '../../../src/project/privileges.js';

const full = 'Name:\tx\nCapEff:\t000001ffffffffff\n';
const none = 'Name:\tx\nCapEff:\t0000000000000000\n';
const noNet = 'Name:\tx\nCapEff:\t0000000000200000\n';  // CAP_SYS_ADMIN only

test('missing capabilities are read from CapEff', () => {
  assert.deepEqual(missingCapabilities(full), []);
  assert.deepEqual(missingCapabilities(none), ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN']);
  assert.deepEqual(missingCapabilities(noNet), ['CAP_NET_ADMIN']);
});

test('root with the capabilities passes; a user or a capability-less root gets one line', () => {
  assert.doesNotThrow(() => assertPrivileged('up', full, 0));
  assert.throws(() => assertPrivileged('up', none, 1000), /berth up: needs root \(running as uid 1000\); run it as root, e\.g\. with sudo$/);
  assert.throws(() => assertPrivileged('down', noNet, 0), /berth down: needs root \(CAP_NET_ADMIN missing from the effective capabilities\)/);
  for (const c of ['config', 'version', 'help', 'login', 'logout']) assert.doesNotThrow(() => assertPrivileged(c, none, 1000), c);
});

test('EACCES and EPERM of a non-root process become the same line; anything else is left alone', () => {
  const e = Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/var/lib/berth/containers' });
  assert.match(privilegeError(e, 'ps', 1000)!.message, /^berth ps: needs root \(running as uid 1000: \/var\/lib\/berth\/containers: permission denied\)/);
  assert.equal(privilegeError(e, 'ps', 0), undefined);
  assert.equal(privilegeError(new Error('x'), 'ps', 1000), undefined);
});
