import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/env.js';
import { runCase } from './golden-case.js';

const root = join(repoRoot, 'test/unit/reconcile/golden');
const update = process.env.BERTH_UPDATE_GOLDEN === '1';

for (const name of readdirSync(root).sort()) {
  test(`golden: ${name}`, () => {
    const dir = join(root, name);
    const got = runCase(dir);
    const file = join(dir, 'plan.txt');
    if (update) writeFileSync(file, got);
    assert.equal(got, readFileSync(file, 'utf8'));
  });
}

test('there are at least 25 golden cases', () => {
  assert.ok(readdirSync(root).length >= 25);
});
