// The state root and the runtime dir are 0710 (as /var/lib/docker) whatever
// command makes them first, and a wider existing root is tightened on use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

const berth = (root: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const mode = (p: string) => statSync(p).mode & 0o777;

test('volume create as the first command leaves the root and runtime dir 0710', () => {
  const t = tempDir();
  try {
    const root = join(t.path, 'root');
    berth(root, ['volume', 'create', 'first']);
    assert.equal(mode(root), 0o710);
    assert.equal(mode(join(root, 'run')), 0o710);
    assert.ok(existsSync(join(root, 'volumes')));
  } finally { t.cleanup(); }
});

test('an existing 0755 root and runtime dir become 0710 on use; config creates nothing', () => {
  const t = tempDir();
  try {
    const root = join(t.path, 'root'), runtime = join(t.path, 'runtime');
    mkdirSync(root, { mode: 0o755 });
    mkdirSync(runtime, { mode: 0o777 });
    chmodSync(runtime, 0o777);
    berth(root, ['volume', 'ls'], { BERTH_RUNTIME_DIR: runtime });
    assert.equal(mode(root), 0o710);
    assert.equal(mode(runtime), 0o710);
    const fresh = join(t.path, 'fresh');
    berth(fresh, ['version']);
    assert.ok(!existsSync(fresh), 'a command without state creates no root');
  } finally { t.cleanup(); }
});
