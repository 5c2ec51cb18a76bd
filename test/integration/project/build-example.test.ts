// examples/build-stack: built with berth's builder, run, rebuilt from the cache.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, repoRoot, shortId } from '../../helpers/env.js';
import { makeWorld, teardown } from './harness.js';

test('examples/build-stack builds, runs and rebuilds from the cache', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const w = makeWorld();
  const base = ['-p', `bx${shortId(6)}`, '-f', join(repoRoot, 'examples/build-stack/compose.yaml')];
  t.after(() => teardown(w, base));
  w.ok([...base, 'build']);
  w.ok([...base, 'up', '-d']);
  assert.equal(w.ok([...base, 'exec', '-T', 'api', 'cat', '/srv/version.txt']).trim(), 'api 1.0');
  assert.equal(w.ok([...base, 'exec', '-T', 'web', 'id', '-u']).trim(), '0');
  const again = w.ok([...base, 'build']);
  assert.doesNotMatch(again, /#\d+ (?!CACHED|DONE|\[)/, 'a rebuild runs nothing');
  w.ok([...base, 'down', '-t', '0']);
});
