import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeLogTime, parseTimeArg, parseTimestamp } from '../../../src/logs/time.js';

describe('log times', () => {
  it('normalizes timestamps to UTC with nine fraction digits', () => {
    assert.equal(parseTimestamp('2026-11-23T10:00:00Z'), '2026-11-23T10:00:00.000000000Z');
    assert.equal(parseTimestamp('2026-11-23T10:00:00.5Z'), '2026-11-23T10:00:00.500000000Z');
    assert.equal(parseTimestamp('2026-11-23T12:30:00.123456789+02:30'), '2026-11-23T10:00:00.123456789Z');
    assert.equal(parseTimestamp('2026-11-23T01:00:00-01:00'), '2026-11-23T02:00:00.000000000Z');
    assert.equal(parseTimestamp('2026-13-01T00:00:00Z'), undefined);
    assert.equal(parseTimestamp('yesterday'), undefined);
    // Docker's json-file trims trailing zeros; the shim writes nine digits.
    assert.equal(normalizeLogTime('2026-11-23T10:00:00.12Z'), '2026-11-23T10:00:00.120000000Z');
    assert.equal(normalizeLogTime('2026-11-23T10:00:00.123456789Z'), '2026-11-23T10:00:00.123456789Z');
  });

  it('reads --since/--until as durations, Unix seconds or timestamps', () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    assert.equal(parseTimeArg('--since', '10m', now), '2026-11-23T09:50:00.000000000Z');
    assert.equal(parseTimeArg('--since', '1h30m', now), '2026-11-23T08:30:00.000000000Z');
    assert.equal(parseTimeArg('--since', '1700000000.25', now), '2023-11-14T22:13:20.250000000Z');
    assert.equal(parseTimeArg('--until', '2026-11-23T09:00:00Z', now), '2026-11-23T09:00:00.000000000Z');
    assert.throws(() => parseTimeArg('--since', 'soon', now), /invalid value "soon" for --since/);
  });

  it('compares canonical times as strings', () => {
    const a = parseTimestamp('2026-11-23T10:00:00.000000009Z')!;
    const b = parseTimestamp('2026-11-23T10:00:00.00000001Z')!;
    assert.ok(a < b);
  });
});
