import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseBytes, parseDuration } from '../../src/units.js';

test('durations (Go syntax) and their printed form', () => {
  assert.equal(parseDuration('10s'), 10e9);
  assert.equal(parseDuration('1m30s'), 90e9);
  assert.equal(parseDuration('1h'), 3600e9);
  assert.equal(parseDuration('500ms'), 500e6);
  assert.equal(parseDuration('1.5s'), 1.5e9);
  assert.equal(parseDuration('2h45m'), (2 * 3600 + 45 * 60) * 1e9);
  assert.equal(parseDuration('0'), 0);
  assert.equal(formatDuration(90e9), '1m30s');
  assert.equal(formatDuration(3600e9), '1h0m0s');
  assert.equal(formatDuration(10e9), '10s');
  assert.equal(formatDuration(500e6), '500ms');
  assert.equal(formatDuration(1.5e9), '1.5s');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1500), '1.5µs');
  for (const bad of ['10', '10 s', 's', '1d', '-1s', '1m30', 'abc', '']) assert.throws(() => parseDuration(bad), /invalid duration/, bad);
});

test('byte sizes', () => {
  assert.equal(parseBytes('512m'), 512 * 1024 ** 2);
  assert.equal(parseBytes('1gb'), 1024 ** 3);
  assert.equal(parseBytes('1G'), 1024 ** 3);
  assert.equal(parseBytes('2k'), 2048);
  assert.equal(parseBytes('100'), 100);
  assert.equal(parseBytes('100b'), 100);
  assert.equal(parseBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes(2048), 2048);
  for (const bad of ['12zb', 'm', '-1m', '1 2m', 'lots']) assert.throws(() => parseBytes(bad), /invalid byte size/, bad);
});

test('durations: a sign only where asked for, days and weeks only where asked for, both micro signs', () => {
  assert.equal(parseDuration('-1h30m', { signed: true }), -5400e9);
  assert.equal(parseDuration('+10m', { signed: true }), 600e9);
  assert.equal(parseDuration('2h45m30s', { signed: true }), 9930e9);
  assert.throws(() => parseDuration('-1h'), /invalid duration/);
  assert.equal(parseDuration('1500us'), 1.5e6);
  assert.equal(parseDuration('1500µs'), parseDuration('1500μs'));
  assert.equal(parseDuration('1d12h', { days: true }), 36 * 3600e9);
  assert.equal(parseDuration('2w', { days: true }), 14 * 86_400e9);
  assert.throws(() => parseDuration('1d'), /invalid duration/);
  for (const bad of ['', '-', '10', 'm', '1x', '1h 30m', 'h1', '10m!', '--1s']) {
    assert.throws(() => parseDuration(bad, { signed: true }), /invalid duration/, bad);
  }
});
