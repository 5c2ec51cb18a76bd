// Input files are regular files of bounded size: a FIFO or a device given as
// a compose file, --env-file or env_file is one clear error (never a hang or
// unbounded memory), `-f -` still reads stdin, and an include of a file that
// is not a Compose file is refused without quoting it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { truncateSync, writeFileSync } from 'node:fs';
import { berthBin } from '../../helpers/env.js';
import { MAX_INPUT_BYTES } from '../../../src/compose/read-input.js';
import { project } from './helpers.js';

const svc = 'services:\n  a:\n    image: x\n';

/** The CLI (the executable itself: node would take `--env-file` as its own), killed after 10 s. */
function run(args: string[], cwd: string, input?: string) {
  const r = spawnSync(berthBin, args, { cwd, encoding: 'utf8', input, timeout: 10_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/test' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function oneLineError(r: ReturnType<typeof run>, re: RegExp): void {
  assert.equal(r.signal, null, 'the command finished (no hang)');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trim(), re);
}

test('a FIFO as -f, --env-file or env_file is refused at once, naming the file', () => {
  const dir = project({ 'compose.yaml': `${svc}    env_file: [pipe.env]\n`, 'plain.yaml': svc });
  execFileSync('mkfifo', [join(dir, 'pipe.yaml'), join(dir, 'pipe.env')]);
  oneLineError(run(['-f', 'pipe.yaml', 'config'], dir), /^compose file \S*pipe\.yaml is a FIFO, not a regular file$/);
  oneLineError(run(['-f', 'plain.yaml', '--env-file', 'pipe.env', 'config'], dir), /^env file \S*pipe\.env is a FIFO, not a regular file$/);
  oneLineError(run(['config'], dir), /^compose\.yaml:4:\d+: services\.a\.env_file: env file \S*pipe\.env is a FIFO, not a regular file$/);
});

test('/dev/zero and an over-size file are refused (no unbounded read)', () => {
  const dir = project({ 'compose.yaml': svc, 'huge.yaml': '' });
  truncateSync(join(dir, 'huge.yaml'), MAX_INPUT_BYTES + 1);
  oneLineError(run(['-f', '/dev/zero', 'config'], dir), /^compose file \/dev\/zero is a character device, not a regular file$/);
  oneLineError(run(['--env-file', '/dev/zero', 'config'], dir), /^env file \/dev\/zero is a character device, not a regular file$/);
  oneLineError(run(['-f', 'huge.yaml', 'config'], dir), /^compose file \S*huge\.yaml is larger than the 32 MiB limit$/);
});

test('-f - still reads the project from stdin', () => {
  const dir = project({ 'x.txt': '' });
  const r = run(['-f', '-', '-p', 'fromstdin', 'config', '--services'], dir, svc);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'a');
});

test('include of a file that is not a Compose file is an error, and its content is not echoed', () => {
  const dir = project({
    'compose.yaml': `include: [secret.txt]\n${svc}`,
    'secret.txt': 'root:$6$saltsalt$hashhashhash:20228:0:99999:7:::\n',
    'other.yaml': `include: [keys.yaml]\n${svc}`,
    'keys.yaml': 'password: hunter2\n',
  });
  for (const [file, inc] of [['compose.yaml', 'secret.txt'], ['other.yaml', 'keys.yaml']]) {
    const r = run(['-f', file!, 'config'], dir);
    oneLineError(r, new RegExp(`^${file!.replace('.', '\\.')}:1:\\d+: include\\[0\\]: included file \\S*${inc!.replace('.', '\\.')} is not a Compose file`));
    assert.doesNotMatch(r.stderr, /hash|hunter2|password/);
  }
  // A real Compose file still includes.
  writeFileSync(join(dir, 'keys.yaml'), 'services:\n  b:\n    image: y\n');
  assert.equal(run(['-f', 'other.yaml', 'config', '--services'], dir).stdout.trim().split('\n').sort().join(' '), 'a b');
});
