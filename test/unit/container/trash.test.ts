import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { moveToTrash, sweepTrash } from '../../../src/container/trash.js';
import { tempDir } from '../../helpers/env.js';

test('trash: a container dir leaves in one rename; a missing one is no error; only stale trash is swept', async () => {
  const tmp = tempDir();
  try {
    const containers = join(tmp.path, 'containers');
    const id = 'b'.repeat(64);
    const dir = join(containers, id);
    mkdirSync(join(dir, 'upper/etc'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{}');
    const to = moveToTrash(containers, dir, id);
    assert.ok(to && existsSync(join(to, 'upper/etc')));
    assert.ok(!existsSync(dir));
    assert.equal(moveToTrash(containers, dir, id), undefined);
    // A fresh entry may be a removal in progress: kept. (ctime cannot be set
    // back, so the stale case is checked through a clock moved forward.)
    await sweepTrash(containers);
    assert.ok(existsSync(to));
    const now = Date.now;
    Date.now = () => now() + 120_000;
    try { await sweepTrash(containers); } finally { Date.now = now; }
    assert.deepEqual(readdirSync(join(containers, '.trash')), []);
    await sweepTrash(join(tmp.path, 'nothing-here')); // no trash dir: nothing to do
  } finally {
    tmp.cleanup();
  }
});
