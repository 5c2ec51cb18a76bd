// env_file formats (`format: raw`), strict UTF-8 in .env files, and gpus:
// as docker compose v2 (compose-go) reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRawEnv } from '../../../src/compose/dotenv-raw.js';
import { readDotenv } from '../../../src/compose/dotenv.js';
import { errorOf, load, loadText, project } from './helpers.js';

const svc = (body: string) => `services:\n  a:\n    image: a\n${body}`;

test('raw env: values are literal (quotes, escapes, $, # and trailing spaces kept)', () => {
  const text = 'Q="x y"\nS=\'s\'\nD=$HOME ${X:-d}\nE=a\\nb\nH=v # not a comment\nT=trail  \n  LEAD=ok\n#C=skipped\n\nEMPTY=\nEQ=a=b\r\n';
  assert.deepEqual(parseRawEnv(text, 'r.env', () => 'from-env'), {
    Q: '"x y"', S: "'s'", D: '$HOME ${X:-d}', E: 'a\\nb', H: 'v # not a comment', T: 'trail  ', LEAD: 'ok', EMPTY: '', EQ: 'a=b',
  });
});

test('raw env: a bare name takes the environment value, or is left out', () => {
  assert.deepEqual(parseRawEnv('SET\nUNSET\n', 'r.env', (k) => (k === 'SET' ? 'v' : undefined)), { SET: 'v' });
});

test('raw env: a name with whitespace or no name is a positioned error', () => {
  assert.throws(() => parseRawEnv('A=1\nB C=2\n', 'r.env'), /r\.env:2:1: variable "B C" contains whitespace$/);
  assert.throws(() => parseRawEnv('A=1\n\n  =x\n', 'r.env'), /r\.env:3:3: no variable name before "="$/);
  assert.throws(() => parseRawEnv('__proto__=1\n', 'r.env'), /r\.env:1:1: invalid variable name "__proto__"$/);
});

test('env_file format: raw reaches the service environment uninterpolated; the default format still interpolates', () => {
  const dir = project({
    'compose.yaml': svc('    env_file:\n      - path: raw.env\n        format: raw\n      - path: dot.env\n'),
    'raw.env': 'PASS="$2y$10$abc"\nSAME=raw\n',
    'dot.env': 'HOMEDIR=$HOME\nQUOTED="q"\n',
  });
  const env = load(dir).services.a!.environment!;
  assert.equal(env.PASS, '"$2y$10$abc"');
  assert.equal(env.HOMEDIR, '/home/test');
  assert.equal(env.QUOTED, 'q');
});

test('env_file format ".env" is the default syntax; another format is an error at its key', () => {
  const dir = project({ 'compose.yaml': svc('    env_file:\n      - path: e.env\n        format: .env\n'), 'e.env': 'A="x"\n' });
  assert.equal(load(dir).services.a!.environment!.A, 'x');
  const bad = project({ 'compose.yaml': svc('    env_file:\n      - path: e.env\n        format: RAW\n'), 'e.env': 'A=1\n' });
  assert.throws(() => load(bad), /compose\.yaml:6:17: services\.a\.env_file\[0\]\.format: unsupported env_file format "RAW"/);
});

test('an optional env_file that is absent is skipped before its format is judged', () => {
  const p = loadText(svc('    env_file:\n      - path: none.env\n        required: false\n        format: nope\n    environment: [A=1]\n'));
  assert.deepEqual(p.services.a!.environment, { A: '1' });
});

test('invalid UTF-8 in an env_file is one positioned error naming the byte', () => {
  const dir = project({ 'compose.yaml': svc('    env_file: bad.env\n') });
  writeFileSync(join(dir, 'bad.env'), Buffer.concat([Buffer.from('A=1\nB=ok'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
  assert.throws(() => load(dir), (e: Error) => {
    assert.match(e.message, /bad\.env:2:5: invalid UTF-8 byte 0xff in env file$/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  // The raw format checks it too.
  writeFileSync(join(dir, 'compose.yaml'), svc('    env_file:\n      - path: bad.env\n        format: raw\n'));
  assert.throws(() => load(dir), /bad\.env:2:5: invalid UTF-8 byte 0xff/);
});

test('invalid UTF-8 in the project .env is a positioned error; a BOM is dropped', () => {
  const dir = project({ 'compose.yaml': svc('    environment: ["X=${X}"]\n') });
  writeFileSync(join(dir, '.env'), Buffer.concat([Buffer.from('X=caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
  assert.throws(() => load(dir), /\.env:1:6: invalid UTF-8 byte 0xc3 in env file$/);
  writeFileSync(join(dir, '.env'), '\uFEFFX=bom\n');
  assert.equal(load(dir).services.a!.environment!.X, 'bom');
  const file = join(dir, 'label.env');
  writeFileSync(file, Buffer.from([0x4b, 0x3d, 0xe2, 0x82]));
  assert.throws(() => readDotenv(file), /label\.env:1:3: invalid UTF-8 byte 0xe2/);
});

test('gpus: all is one request for every device (count -1), as compose-go prints it', () => {
  assert.deepEqual(loadText(svc('    gpus: all\n')).services.a!.gpus, [{ count: -1 }]);
});

test('gpus long form and reserved devices: count all/absent is -1, device_ids set the count, both is an error', () => {
  const p = loadText(svc([
    '    gpus:',
    '      - driver: nvidia',
    '        capabilities: [gpu]',
    '      - count: "2"',
    '      - device_ids: ["0", "3"]',
    '        options: {x: 1}',
    '    deploy:',
    '      resources:',
    '        reservations:',
    '          devices:',
    '            - capabilities: [gpu]',
    '              count: all',
    '',
  ].join('\n')));
  assert.deepEqual(p.services.a!.gpus, [
    { capabilities: ['gpu'], driver: 'nvidia', count: -1 },
    { count: 2 },
    { count: 2, device_ids: ['0', '3'], options: { x: '1' } },
  ]);
  const dev = (p.services.a!.deploy!.resources as { reservations: { devices: unknown[] } }).reservations.devices;
  assert.deepEqual(dev, [{ capabilities: ['gpu'], count: -1 }]);
  assert.match(errorOf(svc('    gpus:\n      - count: 1\n        device_ids: ["0"]\n')), /services\.a\.gpus\[0\]\.count: "count" and "device_ids" are exclusive/);
  assert.match(errorOf(svc('    gpus: some\n')), /gpus/);
});
