// `container run` as docker's: exit codes (125 for what could not be made,
// 126/127 for a command that cannot run, the container's own otherwise),
// --rm, -e/--env-file, -v (bind and named volume), -i, and nothing left
// behind once the containers are removed.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { leftovers, makeWorld } from '../project/harness.js';
import { berthWithInput, engineTeardown, IMAGE, removeEngineObjects } from './harness.js';

test('container run: exit codes, --rm, environment, volumes and stdin', { skip: !isRoot, timeout: 120_000 }, () => {
  const w = makeWorld();
  const vol = `ev${shortId(6)}`;
  try {
    // The container's own exit code, and --rm removes it.
    const three = w.berth(['container', 'run', '--rm', IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(three.status, 3, three.stderr);
    assert.equal(three.stdout, 'out\n');
    assert.equal(three.stderr, 'err\n');
    assert.equal(w.ok(['container', 'ls', '-aq']), '', '--rm removed it');

    // A command that is not there: 127; one that cannot be executed: 126; both with the runtime's reason.
    const missing = w.berth(['container', 'run', '--rm', IMAGE, 'no-such-command']);
    assert.equal(missing.status, 127, missing.stderr);
    assert.match(missing.stderr, /exec: "no-such-command": executable file not found in \$PATH/);
    const notExec = w.berth(['container', 'run', '--rm', IMAGE, '/etc/passwd']);
    assert.equal(notExec.status, 126, notExec.stderr);
    assert.match(notExec.stderr, /permission denied/);
    assert.equal(w.ok(['container', 'ls', '-aq']), '', 'the failed --rm runs left no container');

    // An image that is not in the store and cannot be pulled (a registry on a closed loopback port): 125.
    const noImage = w.berth(['container', 'run', '--rm', '127.0.0.1:9/nothing/here:1', 'true']);
    assert.equal(noImage.status, 125, noImage.stderr);
    assert.match(noImage.stderr, /^Unable to find image '127\.0\.0\.1:9\/nothing\/here:1' locally\n/);
    const never = w.berth(['container', 'run', '--pull', 'never', 'not-here:1', 'true']);
    assert.equal(never.status, 125);
    assert.equal(never.stderr, 'No such image: not-here:1\n');
    // --runtime: another OCI runtime runs the same container; an unknown name is docker's error, exit 125.
    const underRunc = w.berth(['container', 'run', '--rm', '--runtime', 'runc', IMAGE, 'sh', '-c', 'exit 4']);
    assert.equal(underRunc.status, 4, underRunc.stderr);
    const badRuntime = w.berth(['container', 'run', '--rm', '--runtime', 'nope', IMAGE, 'true']);
    assert.equal(badRuntime.status, 125);
    assert.match(badRuntime.stderr, /unknown or invalid runtime name: nope/);
    const badMount = w.berth(['container', 'run', '--mount', 'type=bind,source=/tmp', IMAGE, 'true']);
    assert.equal(badMount.status, 125);
    assert.match(badMount.stderr, /invalid --mount "type=bind,source=\/tmp": target is required/);

    // -e (a "$" stays as typed), --env-file (docker's: values as written), a bind mount and a named volume.
    const dir = join(w.root, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'greeting'), 'hello from the host\n');
    writeFileSync(join(w.root, 'env.list'), 'FROM_FILE=1\nQUOTED="a $HOME"\n');
    const out = w.ok(['container', 'run', '--rm', '-e', 'LIT=$HOME', '--env-file', join(w.root, 'env.list'),
      '-v', `${dir}:/in:ro`, '-v', `${vol}:/data`, IMAGE, 'sh', '-c', 'echo "$LIT|$FROM_FILE|$QUOTED"; cat /in/greeting; echo kept > /data/f']);
    assert.equal(out, '$HOME|1|"a $HOME"\nhello from the host\n');
    assert.equal(w.ok(['container', 'run', '--rm', '-v', `${vol}:/data`, IMAGE, 'cat', '/data/f']), 'kept\n', 'the named volume outlives the container');

    // -i: this process's stdin reaches the container, its end closes the container's.
    const piped = berthWithInput(w, ['container', 'run', '--rm', '-i', IMAGE, 'wc', '-l'], 'a\nb\n');
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stdout.trim(), '2');
    removeEngineObjects(w, [vol]);
    assert.deepEqual(leftovers(w, []), []);
  } finally {
    engineTeardown(w, [], [vol]);
  }
});
