import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScale, upOptionsOf } from '../../../src/cli/up-options.js';

test('up flags map onto the reconciler options', () => {
  const o = upOptionsOf(['web'], { recreate: false, deps: false, start: false, build: false, scale: ['web=3'], renewAnonVolumes: true });
  assert.equal(o.noRecreate, true);
  assert.equal(o.noDeps, true);
  assert.equal(o.noStart, true);
  assert.equal(o.noBuild, true);
  assert.equal(o.build, false);
  assert.deepEqual(o.scale, { web: 3 });
  assert.deepEqual(o.services, ['web']);
  assert.equal(o.renewAnonVolumes, true);
});

test('bad --scale and incompatible flags are usage errors', () => {
  assert.throws(() => parseScale(['web']), /expected SERVICE=NUM/);
  assert.throws(() => parseScale(['web=-1']), /expected SERVICE=NUM/);
  assert.throws(() => upOptionsOf([], { detach: true, abortOnContainerExit: true }), /cannot be combined/);
  assert.throws(() => upOptionsOf([], { start: false, wait: true }), /--no-start/);
});
