import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSignal, signalNumber, signalSpelling } from '../../src/signals.js';

test('signals: one spelling, known names and numbers, numbers of names', () => {
  assert.equal(signalSpelling(' term '), 'SIGTERM');
  assert.equal(signalSpelling('SIGrtmin+3'), 'SIGRTMIN+3');
  assert.equal(signalSpelling('15'), '15');
  for (const ok of ['SIGTERM', 'SIGRTMIN', 'SIGRTMAX-2', '1', '64']) assert.ok(isSignal(ok), ok);
  for (const bad of ['SIGNOPE', 'SIG', 'SIGRTMIN-1', '0', '65']) assert.ok(!isSignal(bad), bad);
  assert.equal(signalNumber('SIGKILL'), 9);
  assert.equal(signalNumber('SIGNOPE'), 0);
});
