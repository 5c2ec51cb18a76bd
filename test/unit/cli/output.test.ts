// Command output goes straight to fd 1 and 2: a reader that goes away
// (`berth config | head -1`) ends nothing with a Node stack trace, and the
// command still exits with its own status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

test('a closed stdout (berth config | true) is a quiet exit 0, not an unhandled EPIPE', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  // Enough output to outlast the pipe's buffer: the reader is gone before most of it is written.
  const services = Array.from({ length: 400 }, (_, i) => `  s${i}:\n    image: busybox\n    environment:\n      LONG: "${'x'.repeat(200)}"\n`).join('');
  writeFileSync(join(d.path, 'compose.yaml'), `services:\n${services}`);
  for (const reader of ['true', 'head -c 10 >/dev/null']) {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${berthBin}" --root "${join(d.path, 'root')}" config | ${reader}; echo "status=\${PIPESTATUS[0]}" >&2`], { cwd: d.path, encoding: 'utf8' });
    assert.match(r.stderr, /^status=0\n$/, `${reader}: ${r.stderr}`);
  }
});

test('output through a pipe arrives whole and in order, stdout and stderr each', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const services = Array.from({ length: 300 }, (_, i) => `  s${i}:\n    image: busybox:\${UNSET_${i}}\n`).join('');
  writeFileSync(join(d.path, 'compose.yaml'), `services:\n${services}`);
  const r = spawnSync(process.execPath, [berthBin, '--root', join(d.path, 'root'), 'config', '--services'], { cwd: d.path, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), Array.from({ length: 300 }, (_, i) => `s${i}`).sort());
  const warnings = r.stderr.trim().split('\n');
  assert.equal(warnings.length, 300);
  assert.ok(warnings.every((w) => /^warning: the "UNSET_\d+" variable is not set, defaulting to a blank string$/.test(w)), warnings[0]);
});
