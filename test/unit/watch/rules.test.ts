// develop.watch in the model (normalized as compose-go does) and the rule
// checks and matching of src/watch: .dockerignore patterns relative to the
// rule's path, include, editor temporaries, container paths.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileWatch } from '../../../src/watch/rules.js';
import { ignoredByAll, watchError } from '../../../src/watch/watcher.js';
import { tempDir } from '../../helpers/env.js';
import { loadText } from '../compose/helpers.js';
import { load, project } from '../compose/helpers.js';

test('develop.watch is normalized: absolute path, lists, exec command split, booleans', () => {
  const p = loadText('services:\n  web:\n    image: x\n    develop:\n      watch:\n        - {path: ./src, target: /app, action: sync+exec, ignore: "*.log", initial_sync: "true", exec: {command: "npm run build", privileged: "yes", environment: [A=1]}}\n        - {path: /abs/pkg.json, action: rebuild, include: [a, b]}\n');
  const [a, b] = p.services.web!.develop!.watch!;
  assert.equal(a!.path, join(p.workingDir, 'src'));
  assert.deepEqual(a!.ignore, ['*.log']);
  assert.equal(a!.initial_sync, true);
  assert.deepEqual(a!.exec, { command: ['npm', 'run', 'build'], privileged: true, environment: { A: '1' } });
  assert.deepEqual(b, { path: '/abs/pkg.json', action: 'rebuild', include: ['a', 'b'] });
});

function projectWith(watch: string, extra = '') {
  const dir = project({
    'compose.yaml': `services:\n  app:\n    image: x\n${extra}    develop:\n      watch:\n${watch}`,
  });
  mkdirSync(join(dir, 'src/node_modules/x'), { recursive: true });
  writeFileSync(join(dir, 'src/a.js'), '');
  return { dir, p: load(dir) };
}

test('bad rules are refused naming the service and the rule', () => {
  const missing = projectWith('        - {path: ./nope, target: /app, action: sync}\n');
  assert.throws(() => compileWatch(missing.p), { message: `service "app": develop.watch[0] (sync ./nope): path ${join(missing.dir, 'nope')} does not exist` });
  const noBuild = projectWith('        - {path: ./src, target: /app, action: sync}\n        - {path: ./src, action: rebuild}\n');
  assert.throws(() => compileWatch(noBuild.p), { message: 'service "app": develop.watch[1] (rebuild ./src): action rebuild needs a build section in the service' });
  const noCommand = projectWith('        - {path: ./src, target: /app, action: sync+exec}\n');
  assert.throws(() => compileWatch(noCommand.p), { message: 'service "app": develop.watch[0] (sync+exec ./src): action sync+exec needs exec.command' });
  const noTarget = projectWith('        - {path: ./src, action: sync+restart}\n');
  assert.throws(() => compileWatch(noTarget.p), /develop\.watch\[0\] \(sync\+restart \.\/src\): action sync\+restart needs a target/);
  const none = load(project({ 'compose.yaml': 'services:\n  app:\n    image: x\n' }));
  assert.throws(() => compileWatch(none), /none of the selected services is configured for watch/);
  assert.throws(() => compileWatch(noTarget.p, ['other']), /no such service: other/);
});

test('matching: dockerignore patterns relative to the path, include, temporaries, .git, container paths', () => {
  const { dir, p } = projectWith('        - {path: ./src, target: /app, action: sync, ignore: [node_modules/, "*.log", "!keep.log", "**/*.tmp"], include: ["*.js", "*.log", lib, "lib/**", "**/*.tmp", node_modules]}\n');
  const [r] = compileWatch(p);
  const s = (x: string) => join(dir, 'src', x);
  assert.equal(r!.containerPath(s('lib/x.js')), '/app/lib/x.js');
  assert.equal(r!.containerPath(join(dir, 'src')), '/app');
  assert.equal(r!.triggers(s('a.js')), true);
  assert.equal(r!.triggers(s('a.css')), false, 'not included');
  assert.equal(r!.triggers(s('x.log')), false, 'ignored at the top');
  assert.equal(r!.triggers(s('keep.log')), true, 're-included by !keep.log');
  assert.equal(r!.triggers(s('lib/deep.tmp')), false);
  assert.equal(r!.triggers(s('lib/x.js')), true);
  for (const tmp of ['.a.js.swp', 'a.js~', '4913', '.#a.js', '#a.js#', 'a.js___jb_tmp___', '.git/HEAD']) {
    assert.equal(r!.triggers(s(tmp)), false, tmp);
  }
  assert.equal(r!.ignored(s('node_modules')), true);
  assert.equal(r!.ignored(s('node_modules/x/y.js')), true);
  assert.equal(r!.ignored(join(dir, 'other')), true, 'outside the path');
  // The watcher skips a path only when every rule covering it ignores it.
  const two = projectWith('        - {path: ./src, target: /app, action: sync, ignore: [node_modules]}\n        - {path: ./src/node_modules, action: restart}\n');
  const skip = ignoredByAll(compileWatch(two.p));
  assert.equal(skip(join(two.dir, 'src/node_modules/x')), false);
  assert.equal(skip(join(two.dir, 'src/a.js')), false);
  const one = projectWith('        - {path: ./src, target: /app, action: sync, ignore: [node_modules]}\n');
  assert.equal(ignoredByAll(compileWatch(one.p))(join(one.dir, 'src/node_modules/x')), true);
});

test('inotify limits are said plainly', () => {
  const e = (code: string) => Object.assign(new Error(`watch failed ${code}`), { code });
  assert.match(watchError(e('ENOSPC')).message, /inotify watch limit is reached \(fs\.inotify\.max_user_watches = \d+\).*sysctl fs\.inotify\.max_user_watches/);
  assert.match(watchError(e('EMFILE')).message, /max_user_instances = \d+/);
  assert.equal(watchError(e('EIO')).message, 'watch failed EIO');
  void tempDir;
});
