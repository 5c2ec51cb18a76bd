// `berth config` output details that docker compose v2 has: dollars escaped
// in the printed model so that it loads back to the same values, and
// --variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { extractVariables } from '../../../src/compose/variables.js';
import { berth, load, project } from './helpers.js';

const file = 'services:\n  s:\n    image: "busybox:${TAG:-1}"\n    command: echo $$HOME\n    environment:\n      A: "x$$y"\n    env_file:\n      - path: raw.env\n        format: raw\n';

test('config escapes $ as $$ in the model (yaml, json, -o), and the output loads back to the same values', () => {
  const dir = project({ 'compose.yaml': file, 'raw.env': 'R=$1$abc\n' });
  const y = berth(['config'], dir);
  assert.equal(y.status, 0, y.stderr);
  const doc = parse(y.stdout);
  assert.deepEqual(doc.services.s.command, ['echo', '$$HOME']);
  assert.deepEqual(doc.services.s.environment, { A: 'x$$y', R: '$$1$$abc' });
  assert.equal(doc.services.s.image, 'busybox:1');
  const j = berth(['config', '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(j.stdout).services.s.environment, { A: 'x$$y', R: '$$1$$abc' });
  const o = berth(['config', '-o', 'out.yaml'], dir);
  assert.equal(o.status, 0, o.stderr);
  assert.equal(readFileSync(join(dir, 'out.yaml'), 'utf8'), y.stdout);
  // Round trip: the printed model is a Compose file with the same values.
  const again = project({ 'compose.yaml': y.stdout });
  assert.deepEqual(load(again).services.s!.environment, { A: 'x$y', R: '$1$abc' });
  assert.deepEqual(load(again).services.s!.command, ['echo', '$HOME']);
});

test('config --no-interpolate prints dollars as written; lists are not escaped', () => {
  const dir = project({ 'compose.yaml': file, 'raw.env': 'R=1\n' });
  const r = berth(['config', '--no-interpolate'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /image: busybox:\$\{TAG:-1\}/);
  assert.match(r.stdout, /command: echo \$\$HOME/);
  const env = berth(['config', '--environment'], dir, { DOLLAR: 'a$b' });
  assert.match(env.stdout, /^DOLLAR=a\$b$/m);
});

test('extractVariables: defaults, alternates, required, nested operands, $$ skipped, uses combined', () => {
  const vars = extractVariables({
    services: { s: { image: 'x:${TAG:-latest}', command: ['echo', '$$HOME', '$USER', '${MSG:?need ${WHY}}'], environment: { A: '${X:+alt}', B: '${TAG}', C: '${TAG?must}' } } },
    '${NOT_A_KEY}': 'plain',
  });
  assert.deepEqual(vars, [
    { name: 'MSG', defaultValue: '', presenceValue: '', required: true },
    { name: 'TAG', defaultValue: 'latest', presenceValue: '', required: true },
    { name: 'USER', defaultValue: '', presenceValue: '', required: false },
    { name: 'WHY', defaultValue: '', presenceValue: '', required: false },
    { name: 'X', defaultValue: '', presenceValue: 'alt', required: false },
  ]);
});

test('config --variables: a table by default, json and yaml on request, without needing the values', () => {
  const dir = project({ 'compose.yaml': 'services:\n  s:\n    image: "busybox:${TAG:-latest}"\n    command: ["${MSG:?need it}"]\n    environment: {A: "${X:+alt}"}\n' });
  const t = berth(['config', '--variables'], dir);
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout, [
    'NAME   REQUIRED   DEFAULT VALUE   ALTERNATE VALUE',
    'MSG    true',
    'TAG    false      latest',
    'X      false                      alt',
    '',
  ].join('\n'));
  const j = berth(['config', '--variables', '--format', 'json'], dir);
  assert.deepEqual(JSON.parse(j.stdout).TAG, { Name: 'TAG', DefaultValue: 'latest', PresenceValue: '', Required: false });
  const y = berth(['config', '--variables', '--format', 'yaml'], dir);
  assert.deepEqual(parse(y.stdout).MSG, { name: 'MSG', defaultvalue: '', presencevalue: '', required: true });
});

test('config leaves out networks, volumes, secrets and configs no (selected) service uses, as docker compose does', () => {
  const dir = project({
    'compose.yaml': [
      'services:',
      '  web: {image: nginx, volumes: [data:/d, ./x:/x], secrets: [s1], configs: [c1], networks: [front]}',
      '  host: {image: nginx, network_mode: host}',
      '  other: {image: nginx, volumes: [spare:/s]}',
      'networks: {front: {}, back: {}}',
      'volumes: {data: {}, spare: {}, unused: {}}',
      'secrets: {s1: {file: ./s1}, s2: {file: ./s2}}',
      'configs: {c1: {file: ./c1}, c2: {file: ./c2}}',
      '',
    ].join('\n'),
  });
  const all = parse(berth(['config'], dir).stdout);
  assert.deepEqual(Object.keys(all.networks), ['default', 'front']);
  assert.deepEqual(Object.keys(all.volumes), ['data', 'spare']);
  assert.deepEqual(Object.keys(all.secrets), ['s1']);
  assert.deepEqual(Object.keys(all.configs), ['c1']);
  assert.equal(berth(['config', '--volumes'], dir).stdout, 'data\nspare\n');
  const web = parse(berth(['config', 'web'], dir).stdout);
  assert.deepEqual(Object.keys(web.services), ['web']);
  assert.deepEqual(Object.keys(web.volumes), ['data']);
  const host = parse(berth(['config', 'host'], dir).stdout);
  assert.equal(host.networks, undefined);
  assert.equal(host.volumes, undefined);
});

test('extractVariables on hostile nesting stays quick and bounded', () => {
  const deep = `${'${A:-'.repeat(20000)}x${'}'.repeat(20000)}`;
  const t0 = Date.now();
  const vars = extractVariables({ services: { s: { image: deep } } });
  assert.deepEqual(vars.map((v) => v.name), ['A']);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

test('config --no-env-resolution lists env_file entries instead of reading them; --hash stays the resolved one', () => {
  const dir = project({
    'compose.yaml': 'services:\n  s:\n    image: x\n    environment: {A: "1"}\n    env_file:\n      - e.env\n      - path: raw.env\n        format: raw\n        required: false\n',
    'e.env': 'B=2\n',
  });
  const r = berth(['config', '--no-env-resolution'], dir);
  assert.equal(r.status, 0, r.stderr);
  const s = parse(r.stdout).services.s;
  assert.deepEqual(s.environment, { A: '1' });
  assert.deepEqual(s.env_file, [{ path: join(dir, 'e.env'), required: true }, { path: join(dir, 'raw.env'), required: false, format: 'raw' }]);
  assert.deepEqual(Object.keys(s), ['environment', 'env_file', 'image', 'networks']);
  assert.deepEqual(parse(berth(['config'], dir).stdout).services.s.environment, { A: '1', B: '2' });
  assert.equal(berth(['config', '--no-env-resolution', '--hash', 's'], dir).stdout, berth(['config', '--hash', 's'], dir).stdout);
});

test('config --services lists each service after its dependencies (implicit ones too), by name where free', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a: {image: x, depends_on: [c]}\n  b: {image: x}\n  c: {image: x, links: [d]}\n  d: {image: x}\n' });
  assert.equal(berth(['config', '--services'], dir).stdout, 'd\nc\na\nb\n');
});
