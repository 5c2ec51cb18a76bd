// The web -> api stack the coexistence tests run in a stand-in host
// namespace, and the paths they check: the page from the host, web -> api by
// name, an alias, a container on two networks, hairpin through the published
// port, out to the upstream, the published port from a neighbour.
// (busybox-static's `wget -T` crashes: `timeout` bounds it instead.)
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/env.js';
import type { HostNs } from './host-ns.js';

const PORT = 8080;

export function writeProject(h: HostNs, project: string): string {
  const dir = join(h.root, '..', 'project');
  mkdirSync(join(dir, 'store'), { recursive: true });
  writeFileSync(join(dir, 'store/index.html'), 'store here\n');
  const qs = join(repoRoot, 'examples/quickstart');
  const img = 'berth-examples/busybox:latest';
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, `name: ${project}
services:
  web:
    image: ${img}
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: ["${PORT}:8080"]
    volumes: ["${qs}/web:/www:ro"]
    environment: { API_URL: "http://api:8081/" }
    networks: [front]
    init: true
  api:
    image: ${img}
    command: ["httpd", "-f", "-p", "8081", "-h", "/srv"]
    volumes: ["${qs}/api:/srv:ro"]
    networks:
      front: { aliases: [backend] }
      back: {}
    init: true
  store:
    image: ${img}
    command: ["httpd", "-f", "-p", "8082", "-h", "/srv"]
    volumes: ["${dir}/store:/srv:ro"]
    networks: [back]
    init: true
networks:
  front: {}
  back: {}
`);
  return file;
}

/** Polls a command inside the host netns until its output matches (containers may still be starting). */
export async function eventually(h: HostNs, args: string[], want: RegExp, what: string): Promise<void> {
  let last = '';
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const r = h.run(args, 8_000);
    last = r.out;
    if (want.test(r.out)) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.fail(`${what}: ${last.trim() || '(no output)'}`);
}


/** Every path of the stack, each polled until it answers (containers may still be starting). */
export async function checkStack(h: HostNs, base: string[]): Promise<void> {
  const exec = (svc: string, cmd: string[]) => [join(repoRoot, 'bin/berth'), ...base, 'exec', '-T', svc, ...cmd];
  await eventually(h, ['busybox', 'timeout', '5', 'busybox', 'wget', '-qO-', `http://127.0.0.1:${PORT}/cgi-bin/api`], /hello from the api service/, 'web -> api by name');
  await eventually(h, exec('web', ['timeout', '5', 'wget', '-qO-', 'http://backend:8081/']), /hello from the api service/, 'an alias');
  await eventually(h, exec('api', ['timeout', '5', 'wget', '-qO-', 'http://store:8082/']), /store here/, 'the second network of a container');
  await eventually(h, exec('web', ['timeout', '5', 'wget', '-qO-', `http://${h.hostIp}:${PORT}/`]), /Hello from berth/, 'hairpin through the published port');
  await eventually(h, exec('web', ['nc', '-w', '3', h.upstreamIp, '7000']), new RegExp(`from:${h.hostIp.replace(/\./g, '\\.')}`), 'out to the upstream, masqueraded');
  const fromNeighbour = ['nsenter', `--net=${h.upstream}`, 'busybox', 'timeout', '5', 'busybox', 'wget', '-qO-', `http://${h.hostIp}:${PORT}/`];
  await eventually(h, fromNeighbour, /Hello from berth/, 'the published port from the outside');
}
