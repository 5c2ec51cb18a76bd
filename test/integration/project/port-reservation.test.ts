// Published host ports: one taken by another process fails `up` with Docker's
// "bind: address already in use" before anything is created; while the
// container runs its shim holds the port (TCP listening, UDP bound), so no
// other process can bind it, and kernel DNAT still carries connections to the
// container; after `down` the port is free again.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { testBind } from '../../../src/network/ports.js';
import { isRoot, shortId } from '../../helpers/env.js';
import { fetchOnce, freePort, leftovers, links, makeWorld, ps, teardown } from './harness.js';


async function fetchText(port: number, path: string): Promise<string> {
  for (const end = Date.now() + 10_000; ;) {
    try { return await fetchOnce(port, path); } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const listen = (port: number): Promise<Server> => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen({ host: '127.0.0.1', port }, () => resolve(s));
});

const bindError = (proto: 'tcp' | 'udp', ip: string, port: number) => testBind(proto, ip, port).then(() => 'bound', (e: NodeJS.ErrnoException) => e.code);

test('a taken host port fails up before anything is created; the shim reserves published ports while running', { skip: !isRoot, timeout: 180_000 }, async (t) => {
  const w = makeWorld();
  const project = `pr${shortId(6)}`;
  const [tcp, udp] = [await freePort(), await freePort()];
  const www = join(w.root, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), 'reached the container\n');
  const file = join(w.root, 'compose.yaml');
  writeFileSync(file, [
    'services:', '  web:', '    image: berth-examples/busybox:latest', '    init: true',
    '    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]', `    volumes: ["${www}:/www:ro"]`,
    `    ports: ["127.0.0.1:${tcp}:8080", "127.0.0.1:${udp}:5353/udp"]`,
    '  other:', '    image: berth-examples/busybox:latest', '    init: true', '    command: ["sleep", "300"]',
    'volumes:', '  data:', '',
  ].join('\n'));
  const base = ['-p', project, '-f', file];
  t.after(() => teardown(w, base));

  // Taken by another process: one line in Docker's words, exit 1, nothing created (not even `other`).
  const holder = await listen(tcp);
  const refused = w.berth([...base, 'up', '-d']);
  holder.close();
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`^driver failed programming external connectivity on endpoint ${project}-web-1: listen tcp4 127\\.0\\.0\\.1:${tcp}: bind: address already in use\\n$`));
  assert.deepEqual(ps(w, base), []);
  assert.deepEqual(leftovers(w, []), []);
  assert.deepEqual(links(w), []);

  // Running: the port answers from the container through DNAT, and nobody else can bind it.
  w.ok([...base, 'up', '-d']);
  assert.equal(await fetchText(tcp, '/'), 'reached the container\n');
  assert.equal(await bindError('tcp', '127.0.0.1', tcp), 'EADDRINUSE');
  assert.equal(await bindError('tcp', '', tcp), 'EADDRINUSE');
  assert.equal(await bindError('udp', '127.0.0.1', udp), 'EADDRINUSE');
  // A restart stops the shim (freeing the ports) and starts a new one, which takes them again.
  w.ok([...base, 'restart', 'web']);
  assert.equal(await fetchText(tcp, '/'), 'reached the container\n');
  assert.equal(await bindError('tcp', '127.0.0.1', tcp), 'EADDRINUSE');

  // Stopped, then down: the ports are free again.
  w.ok([...base, 'stop', 'web']);
  assert.equal(await bindError('tcp', '127.0.0.1', tcp), 'bound');
  const ids = ps(w, base).map((c) => c.ID);
  w.ok([...base, 'down', '-v', '-t', '1']);
  assert.equal(await bindError('tcp', '127.0.0.1', tcp), 'bound');
  assert.equal(await bindError('udp', '127.0.0.1', udp), 'bound');
  assert.deepEqual(leftovers(w, ids), []);
});
