// bin/berth as an unprivileged user (uid/gid 65534, no groups): commands that
// need root say so in one line and exit 1; config, version and --help work.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot, tempDir } from '../../helpers/env.js';

function asNobody(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', berthBin, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
}

test('without root: one line naming the need, no stack trace; unprivileged commands keep working', { skip: !isRoot, timeout: 60_000 }, (t) => {
  const dir = tempDir('berth-nopriv-');
  t.after(dir.cleanup);
  chmodSync(dir.path, 0o710);  // as a state root is: root's own
  const env = { ...process.env, BERTH_ROOT: dir.path, COMPOSE_PROGRESS: 'plain' };
  const file = join(repoRoot, 'examples/quickstart/compose.yaml');
  for (const args of [['-f', file, 'up', '-d'], ['-f', file, 'down'], ['-f', file, 'ps'], ['image', 'ls'], ['network', 'ls'], ['system', 'prune', '-f'], ['ls']]) {
    const r = asNobody(args, env);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^berth \S+: needs root \(running as uid 65534\); run it as root, e\.g\. with sudo\n$/, args.join(' '));
    assert.doesNotMatch(r.stderr, /internal error|\n {4}at /);
  }
  // --dry-run is let through, and then meets the state root it cannot read: the same line, with the path.
  const dry = asNobody(['-f', file, '--dry-run', 'up'], env);
  assert.equal(dry.status, 1, dry.stderr);
  assert.match(dry.stderr, /^berth up: needs root \(running as uid 65534: .*permission denied\)/);
  const cfg = asNobody(['-f', file, 'config', '--services'], env);
  assert.equal(cfg.status, 0, cfg.stderr);
  assert.equal(cfg.stdout, 'api\nweb\nworker\n');
  for (const args of [['version'], ['--version'], ['--help'], ['up', '--help'], ['image', 'ls', '--help']]) {
    const r = asNobody(args, env);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, args.join(' '));
  }
});
