// The differential test of the two YAML readers behind parseYaml: the
// quick line reader (parseBlockYaml) against the yaml path
// (parseWithYamlPackage, the reference). Wherever the quick reader answers,
// its value must equal the yaml path's exactly (key order, number kinds, -0,
// NaN); wherever the yaml path refuses a file, the quick reader must step
// aside. Checked on hand-written cases, every YAML file of the examples and
// test fixtures, the bench project, and generated and mutated documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlockYaml } from '../../../src/compose/yaml-block.js';
import { parseWithYamlPackage } from '../../../src/compose/yaml-source.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { locOf } from '../../../src/compose/loc.js';
import { repoRoot } from '../../helpers/env.js';

/** Tags (!reset, !override) recorded on a mapping's or sequence's entries, in a fixed order. */
function tags(v: object): string {
  const t = locOf(v)?.tags;
  return t?.size ? `#${[...t].map(([k, tag]) => `${String(k)}=${tag}`).sort().join(',')}` : '';
}

/** A canonical text of a value: keeps key order and tags, and tells 1 from "1", -0 from 0, NaN and Infinity. */
function canon(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]${tags(v)}`;
  if (typeof v === 'object') return `{${Object.keys(v as object).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}${tags(v as object)}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

function reference(text: string): string | undefined {
  try {
    return canon(parseWithYamlPackage('t.yaml', text));
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    return undefined;
  }
}

/** Checks one document; returns whether the quick reader answered. */
function check(text: string): boolean {
  const fast = parseBlockYaml(text);
  const ref = reference(text);
  if (fast === undefined) return false;
  assert.notEqual(ref, undefined, `quick reader accepted what the yaml path rejects:\n${text}`);
  assert.equal(canon(fast), ref, `differs from the yaml path:\n${text}`);
  return true;
}

const ANSWERED = [
  'a: 1\nb: two\n',
  'a:\n  b:\n    c: [x, "y", \'z\']\n  d: {}\n',
  'list:\n- a\n- b\nnext: 1\n',
  'list:\n  - a\n  -   b\n  - - nested\n    - more\n',
  'ports:\n  - target: 80\n    published: "8080"\n  - "127.0.0.1:80:80"\n',
  'x: &a\n  k: v\n  n: 1\ny:\n  <<: *a\n  n: 2\n  o: 3\nz: *a\n',
  'x: &s scalar\ny: *s\n',
  'keys:\n  on: b\n  yes: c\n  1_000: d\n  0b101: e\n',
  'v:\n  - 10s\n  - 0o17\n  - 0x1F\n  - +1\n  - -1.5e3\n  - .inf\n  - -.INF\n  - .NaN\n  - NULL\n  - ~\n  - yes\n  - 1_000\n  - 08\n  - 0b101\n  - -0\n  - 1.\n',
  'v: a#b\nw: a #comment\nx: -x\ny: http://h:1/p?q=1\nz: "a # b" # c\n',
  "q: 'it''s'\nd: \"t\\tab\\n\\\"q\\\" \\\\ \\u00e9\"\n",
  '# leading comment\n\na: 1   \n\n  # indented comment\nb:    # empty\nc: []\n',
  'a:\n- x\n-\n  k: v\n',
  'a: [ 1 , 2.5 , x y ]\n',
  'a: {b: 1}\nc: { d: "x, y" , e: \'z\', f: ~, g: 0755, h: http://h:1/p }  # c\n',
  'a: !reset []\nb: !override\n  k: v\nc:\n  - !reset {}\n  - x\n',
  'a: |\n  text\n  # not a comment\n\n   indented\nb: >-\n  folded\n  line\n\n  para\nc: |+\n  kept\n\n# comment\nd:\n  - >\n    item\n  - |-\n    x: y\n',
  'a: | # c\n    deep\n    lines\n  \nb: >+\n  end\n\n',
  'x: &x\n  p: !reset []\n  q: 1\ny:\n  <<: *x\n  q: !override [2]\nz:\n  <<: *x\n  p: [3]\nw: *x\n',
  'x: &a {}\ny:\n  k: 1\n  <<: *a\nz:\n  <<:\n    - *a\n',
  'base: &b\n  k1: a\n  k2: b\nuse:\n  k2: mine\n  <<: *b\n  k3: c\n  k1: override\n',
];

const DECLINED = [
  // Number and boolean keys: an error the yaml path reports (compose-go's "non-string key").
  'keys:\n  1: a\n', 'keys:\n  2.50: b\n', 'keys:\n  0x10: c\n', 'keys:\n  true: d\n', 'keys:\n  0755: e\n', 'k: {1e3: f}\n',
  'a: |2\n  text\n',
  'a: |\n\n  text\n',
  'a: |\nb: 1\n',
  'a: >\n  x\n    more\n',
  'a: |\n  no final newline',
  'a: !reset x\n',
  'a: !custom []\n',
  'a: !override "x"\n',
  'a: !reset\nb: 1\n',
  'a: multi\n  line\n',
  '---\na: 1\n',
  'a:\tb\n',
  'a: 1\r\nb: 2\r\n',
  'a: {b: {c: 1}}\n',
  'a: {"b": 1}\n',
  'a: {b: 1, b: 2}\n',
  'a: {b: 1, }\n',
  'a: {b}\n',
  'a: {b: }\n',
  'a: {<<: *x}\n',
  'a: [[1]]\n',
  'a: "open\n  close"\n',
  '"quoted key": 1\n',
  'a: 1\na: 2\n',
  'a:\n    b: 1\n  c: 2\n',
  '- top\n- level\n',
  'a: b: c\n',
  'a: *missing\n',
  '__proto__: 1\n',
  '? complex\n: key\n',
  'a: [x, ]\n',
  'a:\n-\n- x\n',
  'a: &x {}\nb:\n  <<: *x\n  <<: *x\n',
  '~: 1\n',
  'null: 1\n',
];

test('quick reader: hand-written documents it answers equal the yaml path', () => {
  for (const text of ANSWERED) assert.ok(check(text), `expected the quick reader to answer:\n${text}`);
});

test('quick reader: steps aside on what it does not take', () => {
  for (const text of DECLINED) assert.equal(check(text), false, `expected the quick reader to decline:\n${text}`);
});

/** Every YAML file under the examples and the tests. */
function fixtures(): string[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) files.push(p);
    }
  };
  walk(join(repoRoot, 'examples'));
  walk(join(repoRoot, 'test'));
  return files;
}

test('quick reader: example and fixture files, and the bench project', async () => {
  const files = fixtures();
  assert.ok(files.length >= 8, `only ${files.length} YAML files found`);
  // The examples are what Compose files look like: each must take the quick path.
  const declined = files.filter((f) => !check(readFileSync(f, 'utf8')) && f.startsWith(join(repoRoot, 'examples')));
  assert.deepEqual(declined, [], 'example files the quick reader declined');
  const { generateProject } = (await import(join(repoRoot, 'bench/cases/config.mjs'))) as { generateProject: (n: number) => string };
  assert.ok(check(generateProject(50)), 'the bench project takes the quick path');
});

test('both readers resolve plain scalars alike (YAML 1.2 core, leading-zero octal)', () => {
  const scalars = ['0755', '-0755', '0o17', '0x1F', '1_000', '.inf', '-.Inf', '+.INF', '.nan', '1e3', '+1', '~', 'Null', 'NULL', 'True', 'TRUE', 'tRUE',
    'yes', 'no', 'on', 'off', 'y', '2001-12-14', '1.', '.5', '-0', '0b101', '+.5', '1:30', '089', '0o8', '0xG', '12e', '0.1e-2', '=', '<<x', '"\\u00e9"', "'it''s'", '""'];
  const text = scalars.map((v, i) => `k${i}: ${v}`).join('\n') + '\n';
  assert.ok(check(text), 'the quick reader takes plain and quoted scalars');
  const v = parseWithYamlPackage('t.yaml', text);
  assert.deepEqual([v.k0, v.k1, v.k2, v.k3, v.k4, v.k17, v.k19], [493, -493, 15, 31, '1_000', 'yes', 'on']);
});

test('both readers give every alias its own copy', () => {
  const text = 'x-a: &a\n  labels:\n    k: v\nservices:\n  s1:\n    <<: *a\n    image: a\n  s2:\n    <<: *a\n    image: b\n  s3: *a\n';
  for (const v of [parseBlockYaml(text)!, parseWithYamlPackage('t.yaml', text)]) {
    const s = v.services as Record<string, { labels: object }>;
    assert.notEqual(s.s1!.labels, s.s2!.labels);
    assert.notEqual(s.s3, v['x-a']);
    assert.deepEqual(s.s1!.labels, { k: 'v' });
  }
});

// A small seeded generator, so that a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

const KEYS = ['a', 'b', 'image', 'x-base', 'com.example.k', '1', '1.0', '0x1A', 'true', 'Null', '~', 'A_B', 'k-1', '<<', 'a/b', '8080'];
const SCALARS = ['x', 'hello world', '10s', '0o17', '0x1F', '+1', '-1.5e3', '.inf', '-.Inf', '.nan', 'NULL', '~', 'null', 'True', 'FALSE', 'yes', '1_000',
  '08', '012', '0b101', '-0', '1.', '.5', '+.5', '1e3', 'a: b', 'a #c', 'a#b', '- x', '-x', '?x', ':x', '@x', '%x', '`x`', 'x:', 'http://x:1', '127.0.0.1:80:80',
  '', '[a, "b", 1]', '[]', '{}', '{a: 1}', '{a: 1, b: "x"}', '{ k: v,k2: [x] }', '{a: b, a: c}', '{a: }', '{ x: ~ , 1.0: 0755 }', '{a: b:c}', '{a: x, }', '!reset []', '!override {a: 1}', '!reset', '!override ~', '"q # x"', "'s''q'", '"e\\n\\t\\"\\\\"', '"\\x41"', '"\\u0041"', '*a', '&a v', '!reset x', '|', '>', '"open', "'open",
  '$VAR', '${X:-1}', 'a,b', '[a', 'a]', 'é', 'x # y # z', 'x  ', '  x'];

function generate(r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines: string[] = [];
  let anchors = 0;
  const node = (indent: number, depth: number, inMap: boolean): void => {
    const pad = ' '.repeat(indent);
    const n = 1 + Math.floor(r() * 4);
    const asSeq = r() < 0.3;
    for (let i = 0; i < n; i++) {
      if (r() < 0.1) lines.push(r() < 0.5 ? '' : `${pad}# comment`);
      const head = asSeq ? `${pad}-${r() < 0.2 ? '  ' : ' '}` : `${pad}${pick(KEYS)}:${r() < 0.1 ? '' : ' '}`;
      const roll = r();
      if (depth < 4 && roll < 0.3) {
        const anchor = r() < 0.2 ? `&a${++anchors} ` : '';
        const tag = r() < 0.1 ? pick(['!reset ', '!override ']) : '';
        lines.push(`${head}${tag}${anchor}`.trimEnd());
        const step = 1 + Math.floor(r() * 3);
        node(inMap && !asSeq && r() < 0.2 ? indent : indent + step, depth + 1, !asSeq);
      } else if (roll < 0.34) {
        // A block scalar: content lines, some more indented, blank or comment-like.
        lines.push(`${head}${pick(['|', '|-', '|+', '>', '>-', '>+', '| # c', '|2'])}`);
        const at = ' '.repeat(indent + 1 + Math.floor(r() * 3));
        for (let k = 1 + Math.floor(r() * 4); k > 0; k--) lines.push(pick([`${at}text`, `${at}two words`, `${at} more`, '', `${at}# hash`, `${at}x: y`, `${at}end `, ' ']));
      } else if (roll < 0.38 && anchors > 0) {
        lines.push(`${head}*a${1 + Math.floor(r() * anchors)}`);
      } else if (asSeq && depth < 4 && roll < 0.5) {
        lines.push(`${head}${pick(KEYS)}: ${pick(SCALARS)}`);
        lines.push(`${pad}  ${pick(KEYS)}: ${pick(SCALARS)}`);
      } else {
        lines.push(`${head}${pick(SCALARS)}`);
      }
    }
  };
  node(0, 0, true);
  if (lines[0]?.startsWith('-')) lines.unshift('root:');
  return lines.join('\n') + (r() < 0.9 ? '\n' : '');
}

function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const roll = r();
  if (roll < 0.3) return text.slice(0, at) + text.slice(at + 1);
  if (roll < 0.6) return text.slice(0, at) + ' ' + text.slice(at);
  const chars = [':', '-', '#', '"', "'", '[', ']', '&', '*', '\n', '  ', '{', '}', ','];
  return text.slice(0, at) + chars[Math.floor(r() * chars.length)] + text.slice(at);
}

test('quick reader: generated and mutated documents equal the yaml path or are declined', () => {
  let answered = 0;
  let total = 0;
  const bench = readFileSync(join(repoRoot, 'examples/quickstart/compose.yaml'), 'utf8');
  for (let seed = 1; seed <= 1200; seed++) {
    const r = rng(seed);
    const doc = generate(r);
    for (const text of [doc, mutate(doc, r), mutate(mutate(doc, r), r), mutate(bench, r)]) {
      total++;
      try {
        if (check(text)) answered++;
      } catch (e) {
        (e as Error).message = `seed ${seed}: ${(e as Error).message}`;
        throw e;
      }
    }
  }
  // The generator must exercise the quick path, not only its refusals.
  assert.ok(answered > total / 5, `only ${answered} of ${total} answered`);
});
