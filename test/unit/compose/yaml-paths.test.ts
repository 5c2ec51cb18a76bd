// The fast YAML path (js-yaml) must give exactly what the careful path (the
// yaml package) gives: the same values, positions and tags; and it must hand
// over to the careful path whatever it does not take.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/env.js';
import { parseFast } from '../../../src/compose/js-yaml-source.js';
import { parseWithYamlPackage } from '../../../src/compose/yaml-source.js';
import { parsePlain } from '../../../src/compose/js-yaml-plain.js';
import { locOf, markPos } from '../../../src/compose/loc.js';

/** Values, positions and tags of a parsed tree, as comparable data. */
function describe(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const l = locOf(v);
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return {
    self: markPos(l?.self),
    items: keys.map((k) => ({
      k, key: markPos(l?.keys.get(k)), val: markPos(l?.vals.get(k)), tag: l?.tags.get(k),
      v: describe((v as Record<string | number, unknown>)[k]),
    })),
  };
}

/** Values and tags only (the path without positions). */
function tagsAndValues(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const l = locOf(v);
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v).sort();
  return keys.map((k) => [k, l?.tags.get(k), tagsAndValues((v as Record<string | number, unknown>)[k])]);
}

function same(text: string): void {
  const fast = parseFast('c.yaml', text);
  assert.ok(fast !== undefined, 'the fast path takes it');
  const careful = parseWithYamlPackage('c.yaml', text);
  assert.deepEqual(describe(fast), describe(careful));
  const plain = parsePlain('c.yaml', text);
  assert.ok(plain !== undefined, 'the path without positions takes it');
  assert.deepEqual(tagsAndValues(plain), tagsAndValues(careful));
}

test('the path without positions gives every alias its own copy', () => {
  const v = parsePlain('c.yaml', 'x-a: &a {labels: {k: v}}\nservices:\n  s1: {<<: *a, image: a}\n  s2: {<<: *a, image: b}\n  s3: *a\n')!;
  const s = v.services as Record<string, { labels: object }>;
  assert.notEqual(s.s1!.labels, s.s2!.labels);
  assert.notEqual(s.s3, v['x-a']);
  assert.deepEqual(s.s1!.labels, { k: 'v' });
});

const docs = [
  'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - 443\n',
  'services:\n  a: {image: x, ports: [80, "81:81"], environment: {A: 1, B: null}}\n',
  'x-d: &d\n  restart: always\n  labels: {a: b}\nservices:\n  a:\n    <<: *d\n    image: a\n  b:\n    <<: [*d]\n    restart: "no"\n',
  'services:\n  a:\n    image: a\n    command: >\n      echo\n      folded\n    entrypoint: |\n      literal\n      text\n',
  'services:\n  a:\n    image: a   # comment\n    # a comment line\n    hostname:\n    domainname: ""\n',
  'services:\n  a:\n    image: a\n    ports: !reset []\n    environment: !override\n      A: "1"\n',
  'services:\n  a:\n    image: a\n    dns:\n    - 1.1.1.1\n    - 8.8.8.8\n',
  'a: &x [1, 2]\nb: *x\nc: &x [3]\nd: *x\nservices: {}\n',
  'services:\n  "quoted key":\n    image: \'single\'\n  5: {image: num}\n',
  'services:\n  a:\n    image: a\n    healthcheck:\n      test:\n        - CMD\n        - "true"\n      interval: 10s\n',
];

for (const [i, d] of docs.entries()) test(`fast and careful YAML paths agree: document ${i}`, () => same(d));

test('fast and careful YAML paths agree on every example file', () => {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
  const files = walk(join(repoRoot, 'examples'));
  assert.ok(files.length >= 5);
  for (const f of files) same(readFileSync(f, 'utf8'));
});

test('fast and careful YAML paths resolve YAML 1.2 core scalars alike', () => {
  const scalars = ['0755', '0o17', '0x1F', '1_000', '.inf', '-.Inf', '.nan', '1e3', '+1', '~', 'Null', 'NULL', 'True', 'TRUE',
    'yes', 'on', '2001-12-14', '1.', '.5', '-0', '0b101', '+.5', '1:30', '"\\u00e9"', "'it''s'", '!!str 12', '!!int "7"', '12e', '0.1e-2', '=', '<<x', '""'];
  same(scalars.map((v, i) => `k${i}: ${v}`).join('\n') + '\n');
});

test('the fast path hands over what it does not take', () => {
  for (const text of [
    '', '# only a comment\n', '- a\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: [1\n', 'a: *nope\n',
    '? [complex]\n: key\n', 'a: [b: 1]\n', '--- \na: 1\n---\nb: 2\n',
  ]) {
    assert.equal(parseFast('c.yaml', text), undefined, JSON.stringify(text));
    if (!text.includes('[b: 1]') && !text.includes('? [complex]')) assert.equal(parsePlain('c.yaml', text), undefined, JSON.stringify(text));
  }
});
