import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchEvents } from '../../../src/events/watch.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

test('a long events watch keeps one abort listener, not one per poll', async (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  const ac = new AbortController();
  const done = watchEvents(statePaths(dir.path), { project: 'p', signal: ac.signal, pollMs: 1, onEvent: () => undefined });
  await sleep(60);
  const listeners = getEventListeners(ac.signal, 'abort').length;
  ac.abort();
  await done;
  assert.ok(listeners <= 1, `${listeners} abort listeners after many polls`);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});
