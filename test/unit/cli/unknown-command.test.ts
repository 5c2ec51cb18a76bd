// A command docker compose has and berth does not: one error naming what to
// use instead, and the commands that exist, read from the command table (so
// a command added later is listed, and its name stops being unknown).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { buildProgram } from '../../../src/cli/main.js';
import { commandTable } from '../../../src/cli/commands/index.js';
import { unknownCommandMessage } from '../../../src/cli/commands/unknown.js';
import { features } from '../../../src/project/features.js';
import { berthBin } from '../../helpers/env.js';

const COMPOSE_ONLY = ['build', 'watch', 'convert', 'attach', 'scale', 'commit', 'export', 'publish', 'alpha'];

test('compose commands berth lacks say where to go, and list every command that exists', () => {
  const program = buildProgram();
  for (const name of COMPOSE_ONLY.filter((n) => !Object.hasOwn(commandTable, n))) {
    const m = unknownCommandMessage(name, program);
    assert.match(m, new RegExp(`^berth: unknown command "${name}" \\(docker compose's ${name}: .+\\)\\n`), name);
    for (const cmd of Object.keys(commandTable)) assert.match(m, new RegExp(`\\b${cmd}\\b`), `${name} lists ${cmd}`);
  }
  assert.match(unknownCommandMessage('frob', program), /^berth: unknown command "frob"\n/);
  assert.match(unknownCommandMessage('frob', program), /engine commands: container …, image …, network …, (.+, )?volume …/);
});

test('an unknown command exits 15 with the hint on stderr and nothing on stdout', () => {
  const r = spawnSync(process.execPath, [berthBin, 'scale', 'web=2'], { encoding: 'utf8' });
  assert.equal(r.status, 15);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /unknown command "scale".*berth up -d --scale SERVICE=N/);
  assert.match(r.stderr, /project commands: .*\bup\b/);
});

test('up --help offers only options that work in this build', () => {
  const r = spawnSync(process.execPath, [berthBin, 'up', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--no-build/);
  assert.match(r.stdout, /--abort-on-container-exit/);
  // Without the image builder, neither --build nor `--pull build` is offered.
  assert.equal(/\n {2}--build\b/.test(r.stdout), features.build);
  assert.equal(/"build"\)/.test(r.stdout), features.build);
});
