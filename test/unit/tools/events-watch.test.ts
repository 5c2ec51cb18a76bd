import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { diffEvents, watchEvents } from '../../../src/events/watch.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

test('a long events watch keeps one abort listener, not one per poll', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const ac = new AbortController();
  const done = watchEvents(statePaths(dir.path, {}), { project: 'p', signal: ac.signal, pollMs: 1, onEvent: () => undefined });
  await sleep(60);
  const listeners = getEventListeners(ac.signal, 'abort').length;
  ac.abort();
  await done;
  assert.ok(listeners <= 1, `${listeners} abort listeners after many polls`);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a restart seen between two polls: die is stamped no later than the new start', () => {
  const snap = (status: string, started: string | null, restarts = 0) => ({ rec: {} as never, status, restarts, started, health: undefined });
  const obs = (finishedAt: string | null) => ({ status: 'running' as const, shimAlive: true, state: { exitCode: 0, finishedAt } as never });
  const t1 = '2026-11-23T10:00:00.000Z';
  const t2 = '2026-11-23T10:00:05.000Z';
  const ended = '2026-11-23T10:00:04.900Z';
  const withEnd = diffEvents(snap('running', t1), snap('running', t2, 1), obs(ended));
  assert.deepEqual(withEnd.map((e) => [e.action, e.at]), [['die', ended], ['restart', t2]]);
  // No usable end time (none, or one from before the old start): the new start's time.
  assert.deepEqual(diffEvents(snap('running', t1), snap('running', t2), obs(null)).map((e) => [e.action, e.at]), [['die', t2], ['start', t2]]);
  assert.deepEqual(diffEvents(snap('running', t1), snap('running', t2), obs('2026-11-23T10:00:09.000Z'))[0]!.at, t2);
});
