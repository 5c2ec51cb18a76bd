// Engine containers and Compose's share one store and one namespace of
// names: `container ls` lists the project's containers, a name held by one
// kind is refused to the other, and `container run --network` joins a
// project's network (the service answers by its name there).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { makeWorld, ps } from '../project/harness.js';
import { engineTeardown, IMAGE } from './harness.js';

test('container run beside a Compose project: one namespace of names, ls lists both, --network joins the project network', { skip: !isRoot, timeout: 180_000 }, () => {
  const w = makeWorld();
  const project = `en${shortId(6)}`;
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, [
    'services:',
    '  web:', `    image: ${IMAGE}`, '    command: ["sh", "-c", "mkdir -p /srv && echo from-web > /srv/index.html && exec httpd -f -p 80 -h /srv"]',
    '  named:', `    image: ${IMAGE}`, '    container_name: held-by-engine', '    command: ["sleep", "300"]', '    profiles: ["later"]',
    '',
  ].join('\n'));
  const base = ['-p', project, '-f', file];
  try {
    w.ok([...base, 'up', '-d']);
    const web = ps(w, base).find((c) => c.Service === 'web')!;

    // A Compose container's name is refused to `container run` (docker's conflict, exit 125).
    const clash = w.berth(['container', 'run', '--name', `${project}-web-1`, IMAGE, 'true']);
    assert.equal(clash.status, 125, clash.stderr);
    assert.match(clash.stderr, new RegExp(`^Conflict\\. The container name "/${project}-web-1" is already in use by container "${web.ID}[0-9a-f]*"\\.`));

    // ... and the other way round: a name an engine container holds is refused to the service.
    w.ok(['container', 'run', '-d', '--name', 'held-by-engine', IMAGE, 'sleep', '300']);
    const up = w.berth([...base, '--profile', 'later', 'up', '-d']);
    assert.notEqual(up.status, 0);
    assert.match(up.stdout + up.stderr, /the container name "held-by-engine" is already in use/);

    // container ls lists the project's container beside the engine's, with the project's labels.
    const rows = w.ok(['container', 'ls', '--format', '{{.Names}} {{.Label "com.docker.compose.project"}}']).split('\n').filter(Boolean).sort();
    assert.deepEqual(rows, [`${project}-web-1 ${project}`, 'held-by-engine ']);
    // ... while the project's ps shows its own only.
    assert.deepEqual(ps(w, base).map((c) => c.Name), [`${project}-web-1`]);

    // --network: an existing berth network, the project's; the service answers by its name there.
    const got = w.ok(['container', 'run', '--rm', '--network', `${project}_default`, '--network-alias', 'probe', IMAGE,
      'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://web/index.html && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(got, 'from-web\n');
    const noNet = w.berth(['container', 'run', '--rm', '--network', 'no-such-net', '-v', 'never-made:/v', IMAGE, 'true']);
    assert.equal(noNet.status, 125);
    assert.match(noNet.stderr, /network no-such-net not found/);
    assert.equal(w.ok(['container', 'ls', '-aq']).split('\n').filter(Boolean).length, 2, 'the failed run left nothing');
    assert.equal(w.ok(['volume', 'ls', '-q']), '', 'nor the volume it would have used');

    // rename: the container answers by its new name on the network.
    w.ok(['container', 'run', '-d', '--name', 'before-rename', '--network', `${project}_default`, IMAGE, 'sleep', '300']);
    w.ok(['container', 'rename', 'before-rename', 'after-rename']);
    const seen = w.ok(['container', 'exec', `${project}-web-1`, 'sh', '-c',
      'for i in 1 2 3 4 5 6 7 8 9 10; do ping -c1 -W1 after-rename >/dev/null 2>&1 && echo found && exit 0; sleep 0.3; done; exit 1']);
    assert.equal(seen, 'found\n');

    // system reset takes the containers outside any project too.
    assert.match(w.ok(['system', 'reset', '-f']), /Deleted Containers:\n/);
    assert.equal(w.ok(['container', 'ls', '-aq']), '');
  } finally {
    engineTeardown(w, base);
  }
});
