// Bad flag values are one usage line (exit 15), never an internal error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSignal } from '../../../src/cli/commands/lifecycle.js';
import { berthBin, tempDir } from '../../helpers/env.js';

function berth(root: string, ...args: string[]) {
  return spawnSync(process.execPath, [berthBin, '--root', root, '-p', 'usage', ...args], { encoding: 'utf8', cwd: root });
}

test('kill -s takes names with or without SIG, and numbers; anything else is refused', () => {
  assert.equal(normalizeSignal('term'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGHUP'), 'SIGHUP');
  assert.equal(normalizeSignal('9'), '9');
  assert.equal(normalizeSignal('SIGRTMIN+3'), 'SIGRTMIN+3');
  for (const bad of ['NOPE', 'SIGNOPE', '0', '65', '-1', '']) assert.throws(() => normalizeSignal(bad), /invalid signal/, bad);
});

test('bad --status, -s and -t values are one usage line with exit 15', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const cases: Array<[string[], RegExp]> = [
    [['ps', '--status', 'bogus'], /^error: option '--status <status>' argument 'bogus' is invalid\. Allowed choices are paused, .*\n$/],
    [['--dry-run', 'kill', '-s', 'NOPE'], /^invalid signal "NOPE": .*\n$/],
    [['--dry-run', 'stop', '-t', 'abc'], /^invalid timeout "abc": expected a number of seconds\n$/],
  ];
  for (const [args, re] of cases) {
    const r = berth(d.path, ...args);
    assert.equal(r.status, 15, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('a missing --env-file is berth\'s one-line error, not Node\'s own --env-file check', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  writeFileSync(join(d.path, 'compose.yaml'), 'services:\n  a:\n    image: busybox\n');
  // Run as a user does: the executable itself, through its shebang.
  const r = spawnSync(berthBin, ['--env-file', 'nope.env', 'config', '-q'], { encoding: 'utf8', cwd: d.path });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `env file ${join(d.path, 'nope.env')} not found\n`);
  const eq = spawnSync(berthBin, ['--env-file=nope.env', 'config', '-q'], { encoding: 'utf8', cwd: d.path });
  assert.equal(eq.status, 1, eq.stderr);
  assert.match(eq.stderr, /^env file .*nope\.env not found\n$/);
});
