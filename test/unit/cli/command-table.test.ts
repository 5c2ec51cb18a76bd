// buildProgram registers only the command a run names (start-up cost), so
// the name table must stay in step with the full command list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, commandNameOf } from '../../../src/cli/main.js';
import { commandTable } from '../../../src/cli/commands/index.js';

test('the command table names exactly the commands of the full program', () => {
  const all = buildProgram().commands.map((c) => c.name()).sort();
  assert.deepEqual(Object.keys(commandTable).sort(), all);
  for (const name of all) {
    assert.deepEqual(buildProgram(['node', 'berth', name]).commands.map((c) => c.name()), [name], name);
  }
});

test('the command name skips global options and their values', () => {
  const p = buildProgram();
  const name = (...args: string[]) => commandNameOf(p, args);
  assert.equal(name('config'), 'config');
  assert.equal(name('-f', 'up', '-p', 'ps', '--project-directory', 'x', '--env-file', 'e', '--profile', 'q', 'config', '-q'), 'config');
  assert.equal(name('--file=a.yaml', '--dry-run', '--progress', 'plain', '--ansi', 'never', '--root', '/r', 'down'), 'down');
  assert.equal(name('-f', '-', 'ps'), 'ps');
  assert.equal(name('--help'), undefined);
  assert.equal(name(), undefined);
});

test('help, unknown and missing commands still see every command', () => {
  const full = buildProgram().commands.length;
  for (const argv of [['help'], ['no-such'], [], ['--help']]) {
    assert.equal(buildProgram(['node', 'berth', ...argv]).commands.length, full, argv.join(' '));
  }
});
