import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from '../../../src/project/ps.js';

test('ps durations read as docker\'s HumanDuration', () => {
  const s = 1000;
  const cases: Array<[number, string]> = [
    [0, 'Less than a second'], [999, 'Less than a second'], [1 * s, '1 second'], [59.9 * s, '59 seconds'], [60 * s, 'About a minute'],
    [119 * s, 'About a minute'], [120 * s, '2 minutes'], [59 * 60 * s, '59 minutes'], [3600 * s, 'About an hour'], [5400 * s, '2 hours'],
    [47 * 3600 * s, '47 hours'], [48 * 3600 * s, '2 days'], [14 * 86400 * s, '2 weeks'], [60 * 86400 * s, '2 months'], [800 * 86400 * s, '2 years'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});
