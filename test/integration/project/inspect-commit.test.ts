// Engine-level views of a compose project's container, as docker gives
// them: `inspect -f` templates over Docker's JSON shape, a debug session
// (change files with exec, `diff`, `commit`, run the new image from a
// second compose file and find the files there).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { freePort, leftovers, makeWorld, teardown } from './harness.js';

test('inspect -f, diff, commit and a compose service of the committed image', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const project = `ic${shortId(6)}`;
  const port = await freePort();
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, [
    'services:',
    '  web:',
    '    image: berth-examples/busybox:latest',
    '    init: true',
    '    command: ["sleep", "600"]',
    '    labels: { com.example.role: web }',
    `    ports: ["127.0.0.1:${port}:80"]`,
    '    volumes: [data:/data]',
    'volumes:',
    '  data: {}',
    '',
  ].join('\n'));
  const base = ['-p', project, '-f', file];
  const snapFile = join(w.root, 'snap.yaml');
  const snapBase = ['-p', `${project}s`, '-f', snapFile];
  t.after(() => { w.berth([...snapBase, 'down', '-v', '-t', '0']); teardown(w, base); });

  w.ok([...base, 'up', '-d']);
  const name = `${project}-web-1`;
  assert.equal(w.ok(['inspect', '-f', '{{.State.Status}}', name]), 'running\n');
  const ip = w.ok(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).trim();
  assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
  // The same address as the network layer reports, and as the container itself sees it.
  assert.equal(w.ok(['network', 'inspect', '-f', '{{range .Containers}}{{.IPv4Address}}{{end}}', `${project}_default`]).trim(), `${ip}/24`);
  assert.match(w.ok([...base, 'exec', '-T', 'web', 'ip', '-4', 'addr']), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24`));
  const labels = JSON.parse(w.ok(['inspect', '-f', '{{json .Config.Labels}}', name])) as Record<string, string>;
  assert.equal(labels['com.example.role'], 'web');
  assert.equal(labels['com.docker.compose.service'], 'web');
  assert.equal(w.ok(['inspect', '-f', '{{.Name}} {{.HostConfig.NetworkMode}} {{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', name]),
    `/${name} ${project}_default ${port}\n`);
  assert.equal(w.ok(['inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}', name]), `volume ${project}_data /data\n`);
  assert.equal(w.ok(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}}', `${project}_data`]), `${project}_data local local\n`);

  // The JSON: one array of every object found; a missing name is one error line and exit 1.
  const mixed = w.berth(['inspect', name, 'no-such-thing', 'berth-examples/busybox:latest']);
  assert.equal(mixed.status, 1);
  assert.equal(mixed.stderr, 'Error: No such object: no-such-thing\n');
  const objs = JSON.parse(mixed.stdout) as Array<{ Id: string; State?: { Running: boolean }; RepoTags?: string[] }>;
  assert.equal(objs.length, 2);
  assert.equal(objs[0]!.State!.Running, true);
  assert.deepEqual(objs[1]!.RepoTags, ['berth-examples/busybox:latest']);
  assert.equal(w.berth(['inspect', '--type', 'image', name]).stderr, `Error: No such image: ${name}\n`);
  assert.equal(w.berth(['inspect', '-f', '{{.Nope', name]).status, 15);

  // A debug session: change files, see them in diff, commit, run the new image.
  assert.equal(w.ok(['diff', name]), '', 'a fresh container has changed nothing (mount points are not changes)');
  w.ok([...base, 'exec', '-T', 'web', 'sh', '-c', 'mkdir -p /srv/dbg && echo fixed > /srv/dbg/note && echo extra:x:9:9::/:/bin/sh >> /etc/passwd && rm /bin/vi']);
  assert.equal(w.ok(['diff', name]), ['C /bin', 'D /bin/vi', 'C /etc', 'C /etc/passwd', 'A /srv', 'A /srv/dbg', 'A /srv/dbg/note', ''].join('\n'));
  // A bad --change fails before anything is written: no new image.
  const before = w.ok(['image', 'ls', '-q', '--no-trunc']);
  const bad = w.berth(['commit', '-c', 'CMD ["unclosed', name, 'snap/web:bad']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not a JSON array/);
  assert.equal(w.ok(['image', 'ls', '-q', '--no-trunc']), before);
  // Without pausing, the container keeps running throughout.
  const unpaused = w.ok(['commit', '--pause=false', name]).trim();
  assert.equal(w.ok(['image', 'inspect', '-f', '{{.RepoTags}}', unpaused]), '[]\n', 'no name: an untagged image');
  const id = w.ok(['commit', '-m', 'debug session', '-a', 'Dev <dev@example.test>', '-c', 'ENV MODE=debug', '-c', 'LABEL com.example.snap=1', name, 'snap/web:dbg']).trim();
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  assert.equal(w.ok(['inspect', '-f', '{{.State.Status}}', name]), 'running\n', 'unpaused after the commit');
  assert.equal(w.ok(['image', 'inspect', '-f', '{{.Id}} {{.Author}} {{.Comment}} {{len .RootFS.Layers}} {{index .Config.Labels "com.example.snap"}}', 'snap/web:dbg']),
    `${id} Dev <dev@example.test> debug session 2 1\n`);

  writeFileSync(snapFile, ['services:', '  dbg:', '    image: snap/web:dbg', '    command: ["sleep", "600"]', ''].join('\n'));
  w.ok([...snapBase, 'up', '-d']);
  assert.equal(w.ok([...snapBase, 'exec', '-T', 'dbg', 'sh', '-c', 'cat /srv/dbg/note; echo $MODE; grep -c extra /etc/passwd; test -e /bin/vi || echo no-vi']),
    'fixed\ndebug\n1\nno-vi\n');
  assert.equal(w.ok(['diff', `${project}s-dbg-1`]), '');
  w.ok([...snapBase, 'down', '-t', '0']);
  const ids = [w.ok(['inspect', '-f', '{{.Id}}', name]).trim()];
  w.ok([...base, 'down', '-v', '-t', '0']);
  assert.deepEqual(leftovers(w, ids), []);
});
