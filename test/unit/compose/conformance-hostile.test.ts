// Hostile Compose files: each is refused with one positioned line (or read
// correctly), quickly, without exhausting memory or touching prototypes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorOf, load, loadText, project } from './helpers.js';
import { decodeCompose, MAX_COMPOSE_BYTES } from '../../../src/compose/text-guard.js';
import type { Service } from '../../../src/compose/model.js';

/** Error message of loading a compose.yaml written as raw bytes. */
function errorOfBytes(bytes: Buffer): string {
  const dir = project({});
  writeFileSync(join(dir, 'compose.yaml'), bytes);
  try {
    load(dir);
    return '';
  } catch (e) {
    return (e as Error).message.split(`${dir}/`).join('');
  }
}

function laughs(levels: number, width: number): string {
  const lines = ['x-lol:', `  l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`  l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\nservices:\n  web:\n    image: x\n    x-boom: *l${levels - 1}\n`;
}

test('a billion-laughs alias bomb is refused at the alias that explodes', { timeout: 30_000 }, () => {
  const msg = errorOf(laughs(10, 10));
  assert.match(msg, /^compose\.yaml:\d+:\d+: document expands to too many nodes \(alias bomb\?\)$/);
});

test('a wide alias bomb through a merge key is refused', { timeout: 30_000 }, () => {
  const anchors = ['x-a0: &a0 {k: v}'];
  for (let i = 1; i < 30; i++) anchors.push(`x-a${i}: &a${i} {p: *a${i - 1}, q: *a${i - 1}}`);
  const msg = errorOf(`${anchors.join('\n')}\nservices:\n  web:\n    image: x\n    labels: {a: b}\n    x-z: *a29\n`);
  assert.match(msg, /document expands to too many nodes/);
});

test('ordinary anchors and aliases still load, each use its own copy', () => {
  const p = loadText('x-env: &env {A: "1"}\nservices:\n  a:\n    image: x\n    environment: *env\n  b:\n    image: x\n    environment:\n      <<: *env\n      B: "2"\n');
  assert.deepEqual(p.services.a!.environment, { A: '1' });
  assert.deepEqual(p.services.b!.environment, { A: '1', B: '2' });
});

test('deep nesting is refused, flow or block', { timeout: 30_000 }, () => {
  const depth = 50_000;
  const flow = `services:\n  web:\n    image: x\n    x-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  assert.match(errorOf(flow), /^compose\.yaml:4:\d+: document is nested too deeply$/);
  let block = 'services:\n  web:\n    image: x\n    x-deep:\n';
  for (let i = 0; i < 300; i++) block += `${' '.repeat(6 + i * 2)}k${i}:\n`;
  assert.match(errorOf(block), /^compose\.yaml:\d+:\d+: document is nested too deeply$/);
});

test('invalid UTF-8 is refused with the position of the bad byte', () => {
  const bytes = Buffer.concat([Buffer.from('services:\n  web:\n    image: "ab'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
  assert.equal(errorOfBytes(bytes), 'compose.yaml:3:15: invalid YAML: invalid UTF-8 byte 0xc3');
  const lone = Buffer.concat([Buffer.from('services:\n  web:\n    image: x'), Buffer.from([0xff]), Buffer.from('\n')]);
  assert.equal(errorOfBytes(lone), 'compose.yaml:3:13: invalid YAML: invalid UTF-8 byte 0xff');
});

test('valid UTF-8, a byte-order mark and non-ASCII text load', () => {
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('services:\n  web:\n    image: x\n    labels: {note: "héllo ✓ 𝄞"}\n')]);
  const dir = project({});
  writeFileSync(join(dir, 'compose.yaml'), bytes);
  assert.equal(load(dir).services.web!.labels!.note, 'héllo ✓ 𝄞');
});

test('raw NUL and other control characters are refused; escaped ones are data', () => {
  assert.equal(errorOfBytes(Buffer.from('services:\n  web:\n    image: "a\u0000b"\n')), 'compose.yaml:3:14: invalid YAML: control character U+0000 is not allowed');
  assert.equal(errorOfBytes(Buffer.from('services:\n  web:\n    image: x\n    command: a\u0007b\n')), 'compose.yaml:4:15: invalid YAML: control character U+0007 is not allowed');
  const p = loadText('services:\n  web:\n    image: x\n    environment:\n      A: "tab\\there"\n');
  assert.equal(p.services.web!.environment!.A, 'tab\there');
});

test('a file past the size limit is refused before parsing', () => {
  assert.throws(() => decodeCompose('big.yaml', new Uint8Array(MAX_COMPOSE_BYTES + 1)), /^Error: big\.yaml:1:1: compose file is too large|big\.yaml:1:1: compose file is too large/);
});

test('very long strings are read whole', () => {
  const long = 'a'.repeat(2_000_000);
  const p = loadText(`services:\n  web:\n    image: x\n    environment:\n      LONG: ${long}\n`);
  assert.equal(p.services.web!.environment!.LONG!.length, long.length);
});

test('"__proto__" keys are refused everywhere; other Object.prototype names are ordinary keys', () => {
  assert.equal(errorOf('services:\n  web:\n    image: x\n    environment:\n      __proto__: x\n'), 'compose.yaml:5:7: key "__proto__" is not allowed');
  assert.equal(errorOf('services:\n  __proto__:\n    image: x\n'), 'compose.yaml:2:3: key "__proto__" is not allowed');
  assert.equal(errorOf('services:\n  web:\n    image: x\n    labels: {"__proto__": {polluted: 1}}\n'), 'compose.yaml:4:14: key "__proto__" is not allowed');
  assert.equal(errorOf('services:\n  web:\n    image: x\n    environment: ["__proto__=1"]\n'), 'compose.yaml:4:19: services.web.environment[0]: key "__proto__" is not allowed');
  assert.equal(errorOf('services:\n  web:\n    image: x\n    extra_hosts: ["__proto__:1.2.3.4"]\n'), 'compose.yaml:4:19: services.web.extra_hosts[0]: key "__proto__" is not allowed');
  const p = loadText('services:\n  constructor:\n    image: x\n    environment: {toString: t, constructor: c, hasOwnProperty: h}\n    labels: [valueOf=1]\n    depends_on: [toString]\n  toString:\n    image: y\nvolumes:\n  constructor: {}\nnetworks:\n  hasOwnProperty: {}\n');
  assert.deepEqual(Object.keys(p.services).sort(), ['constructor', 'toString']);
  const ctor = p.services['constructor'] as Service;
  assert.deepEqual(ctor.environment, { constructor: 'c', hasOwnProperty: 'h', toString: 't' });
  assert.deepEqual(ctor.labels, { valueOf: '1' });
  assert.deepEqual(Object.keys(ctor.depends_on!), ['toString']);
  assert.equal((p.volumes['constructor'] as { name: string }).name, 'proj_constructor');
  assert.equal((p.networks['hasOwnProperty'] as { name: string }).name, 'proj_hasOwnProperty');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('numbers past what the model can hold are refused, not rounded', () => {
  assert.equal(errorOf('services:\n  web:\n    image: x\n    cpu_shares: 99999999999999999999999\n'), 'compose.yaml:4:17: services.web.cpu_shares: 1e+23 is too large for an integer');
  assert.equal(errorOf('services:\n  web:\n    image: x\n    scale: 1e400\n'), 'compose.yaml:4:12: services.web.scale: expected an integer, got Infinity');
  assert.match(errorOf('services:\n  web:\n    image: x\n    cpus: .inf\n'), /services\.web\.cpus: expected a number, got Infinity/);
  assert.match(errorOf('services:\n  web:\n    image: x\n    ports: ["99999999999999999999:80"]\n'), /services\.web\.ports\[0\]: invalid port/);
  assert.match(errorOf('services:\n  web:\n    image: x\n    mem_limit: 99999999999999999999999g\n'), /services\.web\.mem_limit: byte size "99999999999999999999999g" is too large/);
});

test('a huge value in an error is cut, the error stays one short line', () => {
  const restart = errorOf(`services:\n  web:\n    image: x\n    restart: ${'a'.repeat(100_000)}\n`);
  assert.match(restart, /^compose\.yaml:4:14: services\.web\.restart: invalid restart policy "a{120}…" \(100000 characters\): expected/);
  const dep = errorOf(`services:\n  web:\n    image: x\n    depends_on: [${'b'.repeat(100_000)}]\n`);
  assert.ok(dep.length < 1000, `${dep.length} characters`);
  assert.match(dep, /^compose\.yaml:4:18: services\.web\.depends_on\.b+…: depends_on refers to undefined service "b{120}…"/);
});

test('references to Object.prototype names are undefined unless declared', () => {
  const cases: Array<[string, RegExp]> = [
    ['depends_on: [constructor]', /services\.web\.depends_on\.constructor: depends_on refers to undefined service "constructor"/],
    ['links: [toString]', /services\.web\.links\[0\]: links refers to undefined service "toString"/],
    ['volumes_from: [valueOf]', /volumes_from refers to undefined service "valueOf"/],
    ['network_mode: "service:hasOwnProperty"', /network_mode refers to undefined service "hasOwnProperty"/],
    ['networks: [constructor]', /services\.web\.networks\.constructor: undefined network "constructor"/],
    ['volumes: ["toString:/x"]', /undefined volume "toString"/],
    ['secrets: [constructor]', /undefined secret "constructor"/],
    ['configs: [valueOf]', /undefined config "valueOf"/],
    ['extends: constructor', /cannot extend service "constructor"/],
  ];
  for (const [body, re] of cases) assert.match(errorOf(`services:\n  web:\n    image: x\n    ${body}\n`), re, body);
  assert.match(errorOf('services:\n  web:\n    image: x\n', { services: ['toString'] }), /no such service: toString/);
});

test('variables named like Object.prototype members are unset unless defined', () => {
  const p = loadText('services:\n  web:\n    image: "x${constructor}y${toString:-d}"\n    environment: [valueOf, hasOwnProperty]\n', {}, { hasOwnProperty: 'set' });
  assert.equal(p.services.web!.image, 'xyd');
  assert.deepEqual(p.services.web!.environment, { hasOwnProperty: 'set', valueOf: null });
  const dir = project({ 'compose.yaml': 'include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: x\n', 'sub/compose.yaml': 'services:\n  toString:\n    image: "${constructor:-sub}"\n' });
  assert.equal(load(dir).services['toString']!.image, 'sub');
});

test('a "__proto__" entry in a KEY=VALUE list is refused when files are merged too', () => {
  const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: x\n    environment: [A=1]\n', 'compose.override.yaml': 'services:\n  web:\n    environment: ["__proto__=1"]\n' });
  assert.throws(() => load(dir), /compose\.override\.yaml:3:19: key "__proto__" is not allowed/);
});
