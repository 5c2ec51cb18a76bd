import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../../../src/errors.js';
import { parsePullPolicy, parseRefreshInterval } from '../../../src/reconcile/pull-policy.js';
import { desiredFromProject } from '../../../src/reconcile/from-project.js';

const H = 3_600_000;

test('every_<duration> reads Go durations with days and weeks', () => {
  assert.equal(parseRefreshInterval('12h'), 12 * H);
  assert.equal(parseRefreshInterval('1h30m'), 1.5 * H);
  assert.equal(parseRefreshInterval('90s'), 90_000);
  assert.equal(parseRefreshInterval('1d12h'), 36 * H);
  assert.equal(parseRefreshInterval('2w'), 14 * 24 * H);
  assert.equal(parseRefreshInterval('1.5h'), 1.5 * H);
  assert.equal(parseRefreshInterval('500ms'), 500);
  for (const bad of ['', '12', 'h', '12x', '1h 30m', '-1h', '1h30', 'abc']) {
    assert.throws(() => parseRefreshInterval(bad), (e: unknown) => isBerthError(e) && /every_/.test((e as Error).message), bad);
  }
});

test('pull policies: the four plain ones, if_not_present, and the refreshing ones', () => {
  assert.deepEqual(parsePullPolicy(undefined), { policy: 'missing' });
  assert.deepEqual(parsePullPolicy('if_not_present'), { policy: 'missing' });
  assert.deepEqual(parsePullPolicy('always'), { policy: 'always' });
  assert.deepEqual(parsePullPolicy('build'), { policy: 'build' });
  assert.deepEqual(parsePullPolicy('daily'), { policy: 'missing', refresh: { policy: 'daily', intervalMs: 24 * H } });
  assert.deepEqual(parsePullPolicy('weekly'), { policy: 'missing', refresh: { policy: 'weekly', intervalMs: 7 * 24 * H } });
  assert.deepEqual(parsePullPolicy('every_12h'), { policy: 'missing', refresh: { policy: 'every_12h', intervalMs: 12 * H } });
  assert.throws(() => parsePullPolicy('hourly'), /invalid pull_policy "hourly"/);
  assert.throws(() => parsePullPolicy('every_'), /a duration is required/);
});

test('the desired project carries the refresh interval', () => {
  const d = desiredFromProject({ name: 'p', networks: {}, volumes: {}, services: { a: { image: 'x', pull_policy: 'every_1d' }, b: { image: 'y' } } }, () => 'h');
  assert.deepEqual(d.services[0].pullRefresh, { policy: 'every_1d', intervalMs: 24 * H });
  assert.equal(d.services[0].pullPolicy, 'missing');
  assert.equal(d.services[1].pullRefresh, undefined);
});
