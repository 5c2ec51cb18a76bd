// `berth config` through the real CLI: output shapes and flags, errors, and
// every project under examples/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/env.js';
import { berth, project } from './helpers.js';

const base = 'services:\n  web:\n    image: nginx\n    ports: ["127.0.0.1:8080:80"]\n    depends_on: [db]\n    volumes: [data:/data]\n  db:\n    image: postgres\n    profiles: [db]\nvolumes:\n  data: {}\nx-meta:\n  owner: me\n';

test('prints YAML in docker compose shape and order', () => {
  const dir = project({ 'compose.yaml': base });
  const r = berth(['--profile', 'db', 'config'], dir);
  assert.equal(r.status, 0, r.stderr);
  const doc = parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['name', 'services', 'networks', 'volumes', 'x-meta']);
  assert.deepEqual(Object.keys(doc.services), ['db', 'web']);
  assert.deepEqual(doc.services.web.ports, [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'tcp' }]);
  assert.match(r.stdout, /published: "8080"/);
  // No restart policy written, none printed (docker compose sets no default).
  assert.doesNotMatch(r.stdout, /restart:/);
  assert.deepEqual(doc.volumes, { data: { name: 'proj_data' } });
});

test('--format json equals the YAML output', () => {
  const dir = project({ 'compose.yaml': base });
  const y = berth(['--profile', 'db', 'config'], dir);
  const j = berth(['--profile', 'db', 'config', '--format', 'json'], dir);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), parse(y.stdout));
});

test('--services, --volumes, --networks, --profiles, --images', () => {
  const dir = project({ 'compose.yaml': base + 'networks:\n  front: {}\n' });
  // web depends on db, which its profile disables: an error unless the profile is on
  assert.match(berth(['config', '--services'], dir).stderr, /depends_on refers to service "db", which is disabled by its profiles \(db\)/);
  assert.equal(berth(['--profile', 'db', 'config', '--services'], dir).stdout, 'db\nweb\n');
  assert.equal(berth(['--profile', 'db', 'config', '--volumes'], dir).stdout, 'data\n');
  // front is used by no service: docker compose leaves it out of the loaded project.
  assert.equal(berth(['--profile', 'db', 'config', '--networks'], dir).stdout, 'default\n');
  assert.equal(berth(['--profile', 'db', 'config', '--profiles'], dir).stdout, 'db\n');
  assert.equal(berth(['config', '--profiles'], project({ 'compose.yaml': 'services:\n  a:\n    image: a\n    profiles: [x, y]\n  b:\n    build: .\n' })).stdout, 'x\ny\n');
  assert.equal(berth(['--profile', 'db', 'config', '--images'], dir).stdout, 'postgres\nnginx\n');
  assert.equal(berth(['config', '--images'], project({ 'compose.yaml': 'services:\n  app:\n    build: .\n' }, 'imgproj')).stdout, 'imgproj-app\n');
});

test('a service named on the command line enables its profile and limits the output', () => {
  const dir = project({ 'compose.yaml': base });
  const r = berth(['config', '--services', 'web'], dir);
  assert.equal(r.status, 1, 'web depends on db, which is disabled');
  const r2 = berth(['config', '--services', 'db'], dir);
  assert.equal(r2.status, 0, r2.stderr);
  assert.equal(r2.stdout, 'db\n');
});

test('--hash: stable, one line per service, ignores scale', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n  b:\n    image: b\n' });
  const r = berth(['config', '--hash', '*'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^a [0-9a-f]{64}\nb [0-9a-f]{64}\n$/);
  assert.equal(berth(['config', '--hash', 'a'], dir).stdout, r.stdout.split('\n')[0] + '\n');
  const scaled = project({ 'compose.yaml': 'services:\n  b:\n    image: b\n    scale: 3\n  a:\n    image: a\n    depends_on: [b]\n' });
  const r2 = berth(['config', '--hash', 'a,b'], scaled);
  assert.equal(r2.stdout.split('\n')[1], r.stdout.split('\n')[1], 'scale does not change the hash');
  const changed = project({ 'compose.yaml': 'services:\n  a:\n    image: a:2\n  b:\n    image: b\n' });
  assert.notEqual(berth(['config', '--hash', 'a'], changed).stdout, berth(['config', '--hash', 'a'], dir).stdout);
  assert.equal(berth(['config', '--hash', 'nope'], dir).status, 15);
});

test('--environment prints the interpolation variables', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n', '.env': 'B=2\nA=1\n' });
  const r = berth(['config', '--environment'], dir, { C: '3' });
  assert.equal(r.status, 0, r.stderr);
  for (const l of ['A=1', 'B=2', 'C=3']) assert.ok(r.stdout.split('\n').includes(l), l);
});

test('-q validates only; -o writes a file', () => {
  const dir = project({ 'compose.yaml': base });
  const q = berth(['--profile', 'db', 'config', '-q'], dir);
  assert.equal(q.status, 0);
  assert.equal(q.stdout, '');
  const out = join(dir, 'out.yaml');
  const o = berth(['--profile', 'db', 'config', '-o', out], dir);
  assert.equal(o.status, 0, o.stderr);
  assert.equal(o.stdout, '');
  assert.equal(parse(readFileSync(out, 'utf8')).name, 'proj');
});

test('--no-interpolate and --no-normalize keep what was written', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: "app:${TAG:-1}"\n    ports: ["80:80"]\n' });
  const ni = parse(berth(['config', '--no-interpolate'], dir).stdout);
  assert.equal(ni.services.a.image, 'app:${TAG:-1}');
  const named = project({ 'compose.yaml': 'name: ${PROJECT:-fromdefault}\nservices:\n  a:\n    image: "${X:-x}"\n' });
  const r = berth(['config', '--no-interpolate'], named);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(parse(r.stdout).name, 'fromdefault', 'the project name is still interpolated');
  assert.equal(parse(r.stdout).services.a.image, '${X:-x}');
  const nn = parse(berth(['config', '--no-normalize'], dir).stdout);
  assert.equal(nn.services.a.image, 'app:1');
  assert.deepEqual(nn.services.a.ports, ['80:80']);
});

test('errors: one line on stderr, exit 1, no stack', () => {
  const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    ports:\n      - "80:80:80:80"\n' });
  const r = berth(['config'], dir);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'compose.yaml:5:9: services.web.ports[0]: invalid port "80:80:80:80": invalid IP address "80:80"\n');
  const missing = berth(['-f', 'nope.yaml', 'config'], dir);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^compose file .*nope\.yaml not found\n$/);
});

test('warnings for unset variables go to stderr', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: "x${NOPE}"\n' });
  const r = berth(['config', '-q'], dir);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, 'warning: the "NOPE" variable is not set, defaulting to a blank string\n');
});

test('-f - reads the project from stdin', () => {
  const dir = project({});
  const r = berth(['-f', '-', 'config', '--services'], dir, {}, 'services:\n  fromstdin:\n    image: x\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'fromstdin\n');
});

test('every example project loads', () => {
  const examples = join(repoRoot, 'examples');
  const dirs = readdirSync(examples).filter((d) => statSync(join(examples, d)).isDirectory());
  assert.ok(dirs.includes('quickstart') && dirs.includes('multi-file'));
  for (const d of dirs) {
    if (!existsSync(join(examples, d, 'compose.yaml'))) continue;
    const r = berth(['config', '--format', 'json'], join(examples, d));
    assert.equal(r.status, 0, `${d}: ${r.stderr}`);
    assert.equal(r.stderr, '', `${d}: no warnings`);
    assert.ok(Object.keys(JSON.parse(r.stdout).services).length > 0);
  }
});

test('quickstart: the shape later layers rely on', () => {
  const r = berth(['config', '--format', 'json'], join(repoRoot, 'examples/quickstart'));
  const p = JSON.parse(r.stdout);
  assert.equal(p.name, 'quickstart');
  assert.deepEqual(Object.keys(p.services), ['api', 'web', 'worker']);
  assert.deepEqual(p.services.web.ports, [{ mode: 'ingress', host_ip: '127.0.0.1', target: 8080, published: '8080', protocol: 'tcp' }]);
  assert.deepEqual(p.services.web.depends_on, { api: { condition: 'service_healthy', required: true } });
  assert.equal(p.services.api.healthcheck.interval, '2s');
  assert.deepEqual(p.volumes, { data: { name: 'quickstart_data' } });
  for (const s of Object.values(p.services) as Array<{ image: string }>) assert.equal(s.image, 'berth-examples/busybox:latest');
});

test('multi-file: base + override + extends + include + profiles + .env', () => {
  const dir = join(repoRoot, 'examples/multi-file');
  const p = JSON.parse(berth(['config', '--format', 'json'], dir).stdout);
  assert.equal(p.name, 'multi');
  assert.deepEqual(Object.keys(p.services), ['db', 'web', 'worker']);
  const web = p.services.web;
  assert.equal(web.image, 'berth-examples/busybox:latest');
  assert.deepEqual(web.command, ['httpd', '-f', '-p', '8088', '-h', '/www']);
  assert.equal(web.environment.GREETING, 'hello, world');
  assert.equal(web.environment.DEBUG, '1', 'from compose.override.yaml');
  assert.equal(web.environment.APP_MODE, 'production', 'from env_file via extends');
  assert.equal(web.labels['com.example.tier'], 'staging');
  assert.equal(web.healthcheck.interval, '5s');
  assert.equal(p.services.worker.ports, undefined, '!reset removed the inherited ports');
  assert.equal(p.services.worker.environment.ROLE, 'worker');
  assert.equal(p.services.db.environment.DB_NAME, 'appdb', 'from the included project\'s .env');
  assert.equal(p.services.db.volumes[1].source, join(dir, 'db/init'));
  assert.deepEqual(p.networks.back, { name: 'multi_back', internal: true });
  const dbg = JSON.parse(berth(['--profile', 'debug', 'config', '--format', 'json'], dir).stdout);
  assert.equal(dbg.services.debug.network_mode, 'service:web');
  const named = berth(['config', '--services', 'debug'], dir);
  // Dependencies first, as docker compose walks them: debug shares web's network, web depends on db.
  assert.equal(named.stdout, 'db\nweb\ndebug\n');
});

test('the 50-service benchmark project loads', async () => {
  const { generateProject } = await import(join(repoRoot, 'bench/cases/config.mjs')) as { generateProject: (n: number) => string };
  const dir = project({ 'compose.yaml': generateProject(50) });
  const r = berth(['config', '--services'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 50);
});
