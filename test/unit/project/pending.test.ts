import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PendingStore } from '../../../src/project/pending.js';
import { statePaths } from '../../../src/state/paths.js';
import { tempDir } from '../../helpers/env.js';

test('pending markers: written when they change, not again when unchanged; cleared; listed back', () => {
  const tmp = tempDir();
  try {
    const paths = statePaths(tmp.path, {});
    const store = new PendingStore(paths, 'demo');
    const id = 'a'.repeat(64);
    const file = join(paths.projects, 'demo', 'pending', id);
    const marker = { id, name: 'demo-web-1', netns: true, newAnonymous: [] as string[], volumes: [] as string[], copyUp: false };
    store.write(marker);
    const first = statSync(file).ino;
    store.write({ ...marker }); // same content: the file stays (an atomic write would be a new inode)
    assert.equal(statSync(file).ino, first);
    marker.volumes.push('data');
    store.write(marker);
    assert.notEqual(statSync(file).ino, first);
    assert.deepEqual(store.list(), [marker]);
    store.clear(id);
    assert.deepEqual(store.list(), []);
    store.write(marker); // after a clear the marker is written again
    assert.deepEqual(store.list(), [marker]);
  } finally {
    tmp.cleanup();
  }
});
