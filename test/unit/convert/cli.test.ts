// `berth convert` on the command line: stdout, -o FILE and -o DIR, the exit
// status that says something was dropped, --strict, and --format json (the
// Compose model, as docker compose's `convert` prints it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

function berth(cwd: string, ...args: string[]) {
  const r = spawnSync(berthBin, args, { cwd, encoding: 'utf8', env: { ...process.env, BERTH_ROOT: join(cwd, 'state') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('convert: stdout, exit 0 when everything translates, -o FILE and -o DIR/', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  writeFileSync(join(dir.path, 'compose.yaml'), 'name: clean\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n  db:\n    image: postgres\n    user: "999"\n');
  const r = berth(dir.path, 'convert');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const kinds = [...r.out.matchAll(/^kind: (\w+)\nmetadata:\n  name: ([\w-]+)/gm)].map((m) => `${m[1]}/${m[2]}`);
  assert.deepEqual(kinds, ['Service/db', 'Service/web', 'Service/web-published', 'Deployment/db', 'Deployment/web',
    'NetworkPolicy/clean-default-deny', 'NetworkPolicy/clean-network-default', 'NetworkPolicy/web-published']);
  assert.match(r.out, /kind: Deployment\nmetadata:\n  name: web/);
  assert.equal(berth(dir.path, 'convert', '-o', 'all.yaml', '-n', 'shop').code, 0);
  assert.match(readFileSync(join(dir.path, 'all.yaml'), 'utf8'), /namespace: shop/);
  assert.equal(berth(dir.path, 'convert', '-o', 'manifests/').code, 0);
  const files = readdirSync(join(dir.path, 'manifests')).sort();
  assert.ok(files.includes('deployment-web.yaml') && files.includes('service-web-published.yaml'), files.join(' '));
});

test('convert: dropped items are listed on stderr with exit 3; --strict writes nothing and fails', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  writeFileSync(join(dir.path, 'compose.yaml'), 'name: hosty\nservices:\n  mon:\n    image: exporter\n    network_mode: host\n');
  const r = berth(dir.path, 'convert');
  assert.equal(r.code, 3);
  assert.match(r.err, /^not translated: service mon: network_mode "host" has no Kubernetes equivalent$/m);
  assert.match(r.out, /kind: Deployment/);
  const s = berth(dir.path, 'convert', '--strict', '-o', 'out.yaml');
  assert.equal(s.code, 1);
  assert.match(s.err, /cannot be translated, nothing written/);
  assert.equal(existsSync(join(dir.path, 'out.yaml')), false);
});

test('convert --format json prints the Compose model, as config does', (t) => {
  const dir = tempDir();
  t.after(dir.cleanup);
  writeFileSync(join(dir.path, 'compose.yaml'), 'name: model\nservices:\n  web:\n    image: nginx\n');
  const a = berth(dir.path, 'convert', '--format', 'json');
  const b = berth(dir.path, 'config', '--format', 'json');
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out, b.out);
  assert.equal(JSON.parse(a.out).services.web.image, 'nginx');
});
