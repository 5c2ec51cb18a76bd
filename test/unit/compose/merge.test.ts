import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, project } from './helpers.js';

function merged(base: string, override: string, extra: Record<string, string> = {}) {
  const dir = project({ 'compose.yaml': base, 'override.yaml': override, ...extra });
  return load(dir, { files: ['compose.yaml', 'override.yaml'] });
}

test('mappings merge key by key (spec example)', () => {
  const p = merged('services:\n  foo:\n    image: a\n    hostname: one\n', 'services:\n  foo:\n    hostname: two\n    domainname: x\n');
  assert.equal(p.services.foo!.image, 'a');
  assert.equal(p.services.foo!.hostname, 'two');
  assert.equal(p.services.foo!.domainname, 'x');
});

test('sequences are appended (spec example: dns)', () => {
  const p = merged('services:\n  foo:\n    image: a\n    dns:\n      - 1.1.1.1\n', 'services:\n  foo:\n    dns:\n      - 8.8.8.8\n');
  assert.deepEqual(p.services.foo!.dns, ['1.1.1.1', '8.8.8.8']);
});

test('command, entrypoint and healthcheck.test are replaced', () => {
  const p = merged(
    'services:\n  foo:\n    image: a\n    command: ["echo", "foo"]\n    entrypoint: ["/a"]\n    healthcheck:\n      test: ["CMD", "a"]\n      interval: 5s\n',
    'services:\n  foo:\n    command: ["echo", "bar"]\n    entrypoint: /b\n    healthcheck:\n      test: ["CMD", "b"]\n',
  );
  assert.deepEqual(p.services.foo!.command, ['echo', 'bar']);
  assert.deepEqual(p.services.foo!.entrypoint, ['/b']);
  assert.deepEqual(p.services.foo!.healthcheck, { test: ['CMD', 'b'], interval: '5s' });
});

test('environment and labels merge as mappings across list and map forms', () => {
  const p = merged(
    'services:\n  foo:\n    image: a\n    environment:\n      - A=1\n      - B=2\n    labels: {x: "1"}\n',
    'services:\n  foo:\n    environment:\n      B: 3\n      C: 4\n    labels: ["y=2"]\n',
  );
  assert.deepEqual(p.services.foo!.environment, { A: '1', B: '3', C: '4' });
  assert.deepEqual(p.services.foo!.labels, { x: '1', y: '2' });
});

test('volumes merge by target, ports by their unique key', () => {
  const p = merged(
    'services:\n  foo:\n    image: a\n    volumes:\n      - /a:/data\n      - /b:/b\n    ports:\n      - "80:80"\n',
    'services:\n  foo:\n    volumes:\n      - /c:/data:ro\n    ports:\n      - "80:80"\n      - "81:81"\n',
  );
  assert.deepEqual(p.services.foo!.volumes!.map((v) => [v.source, v.target, v.read_only ?? false]), [['/c', '/data', true], ['/b', '/b', false]]);
  assert.deepEqual(p.services.foo!.ports!.map((x) => x.published), ['80', '81']);
});

test('depends_on short and long forms merge', () => {
  const p = merged(
    'services:\n  foo:\n    image: a\n    depends_on: [db]\n  db:\n    image: d\n  cache:\n    image: c\n',
    'services:\n  foo:\n    depends_on:\n      cache:\n        condition: service_healthy\n',
  );
  assert.deepEqual(p.services.foo!.depends_on, {
    cache: { condition: 'service_healthy', required: true },
    db: { condition: 'service_started', required: true },
  });
});

test('!reset removes a value, !override replaces it', () => {
  const p = merged(
    'services:\n  foo:\n    image: a\n    ports: ["80:80"]\n    environment: {A: "1", B: "2"}\n    dns: [1.1.1.1]\n',
    'services:\n  foo:\n    ports: !reset []\n    environment: !override\n      C: "3"\n    dns: !reset null\n',
  );
  assert.equal(p.services.foo!.ports, undefined);
  assert.equal(p.services.foo!.dns, undefined);
  assert.deepEqual(p.services.foo!.environment, { C: '3' });
});

test('a later file can add services, networks and volumes', () => {
  const p = merged('services:\n  a:\n    image: a\n', 'services:\n  b:\n    image: b\n    volumes: [v:/v]\nvolumes:\n  v: {}\n');
  assert.deepEqual(Object.keys(p.services), ['a', 'b']);
  assert.equal(p.volumes.v!.name, 'proj_v');
});

test('build: a string and a mapping merge', () => {
  const p = merged('services:\n  a:\n    build: ./app\n', 'services:\n  a:\n    build:\n      dockerfile: Dockerfile.dev\n');
  assert.equal(p.services.a!.build!.dockerfile, 'Dockerfile.dev');
  assert.match(p.services.a!.build!.context, /\/proj\/app$/);
});

test('relative paths in override files are relative to the project directory', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n', 'sub/override.yaml': 'services:\n  a:\n    volumes: [./data:/data]\n' });
  const p = load(dir, { files: ['compose.yaml', 'sub/override.yaml'] });
  assert.equal(p.services.a!.volumes![0]!.source, `${dir}/data`);
});
