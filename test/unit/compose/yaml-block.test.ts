// parseBlockYaml (the quick line-based reader) against js-yaml (the
// reference, parseWithJsYaml): wherever the quick reader answers, its value
// must equal js-yaml's exactly (key order, number kinds, -0, NaN); wherever
// js-yaml fails, the quick reader must step aside. Checked on hand-written
// cases, the examples, the bench project, and generated and mutated documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseBlockYaml } from '../../../src/compose/yaml-block.js';
import { parseWithJsYaml } from '../../../src/compose/js-yaml-plain.js';
import { repoRoot } from '../../helpers/env.js';

/** A canonical text of a value: keeps key order and tells 1 from "1", -0 from 0, NaN and Infinity. */
function canon(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (typeof v === 'object') return `{${Object.keys(v as object).map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${String(v)}`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

function reference(text: string): string | undefined {
  try {
    const v = parseWithJsYaml('t.yaml', text);
    return v === undefined ? undefined : canon(v);
  } catch {
    return undefined;
  }
}

/** Checks one document; returns whether the quick reader answered. */
function check(text: string): boolean {
  const fast = parseBlockYaml(text);
  const ref = reference(text);
  if (fast === undefined) return false;
  assert.notEqual(ref, undefined, `quick reader accepted what js-yaml rejects:\n${text}`);
  assert.equal(canon(fast), ref, `differs from js-yaml:\n${text}`);
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
  'keys:\n  1: a\n  2.50: b\n  0x10: c\n  true: d\n  Null: e\n',
  'v:\n  - 10s\n  - 0o17\n  - 0x1F\n  - +1\n  - -1.5e3\n  - .inf\n  - -.INF\n  - .NaN\n  - NULL\n  - ~\n  - yes\n  - 1_000\n  - 08\n  - 0b101\n  - -0\n  - 1.\n',
  'v: a#b\nw: a #comment\nx: -x\ny: http://h:1/p?q=1\nz: "a # b" # c\n',
  "q: 'it''s'\nd: \"t\\tab\\n\\\"q\\\" \\\\ \\u00e9\"\n",
  '# leading comment\n\na: 1   \n\n  # indented comment\nb:    # empty\nc: []\n',
  'a:\n- x\n-\n  k: v\n',
  'a: [ 1 , 2.5 , x y ]\n',
];

const DECLINED = [
  'a: |\n  text\n',
  'a: >-\n  text\n',
  'a: !reset []\n',
  'a: multi\n  line\n',
  '---\na: 1\n',
  'a:\tb\n',
  'a: 1\r\nb: 2\r\n',
  'a: {b: 1}\n',
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
];

test('quick reader: hand-written documents it answers equal js-yaml', () => {
  for (const text of ANSWERED) assert.ok(check(text), `expected the quick reader to answer:\n${text}`);
});

test('quick reader: steps aside on what it does not take', () => {
  for (const text of DECLINED) assert.equal(check(text), false, `expected the quick reader to decline:\n${text}`);
});

test('quick reader: examples and the bench project', async () => {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) files.push(p);
    }
  };
  walk(join(repoRoot, 'examples'));
  let answered = 0;
  for (const f of files) if (check(readFileSync(f, 'utf8'))) answered++;
  assert.ok(answered >= 1);
  const { generateProject } = (await import(join(repoRoot, 'bench/cases/config.mjs'))) as { generateProject: (n: number) => string };
  assert.ok(check(generateProject(50)), 'the bench project takes the quick path');
});

// A small seeded generator, so that a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

const KEYS = ['a', 'b', 'image', 'x-base', 'com.example.k', '1', '1.0', '0x1A', 'true', 'Null', '~', 'A_B', 'k-1', '<<', 'a/b', '8080'];
const SCALARS = ['x', 'hello world', '10s', '0o17', '0x1F', '+1', '-1.5e3', '.inf', '-.Inf', '.nan', 'NULL', '~', 'null', 'True', 'FALSE', 'yes', '1_000',
  '08', '012', '0b101', '-0', '1.', '.5', '+.5', '1e3', 'a: b', 'a #c', 'a#b', '- x', '-x', '?x', ':x', '@x', '%x', '`x`', 'x:', 'http://x:1', '127.0.0.1:80:80',
  '', '[a, "b", 1]', '[]', '{}', '{a: 1}', '"q # x"', "'s''q'", '"e\\n\\t\\"\\\\"', '"\\x41"', '"\\u0041"', '*a', '&a v', '!reset x', '|', '>', '"open', "'open",
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
        lines.push(`${head}${anchor}`.trimEnd());
        const step = 1 + Math.floor(r() * 3);
        node(inMap && !asSeq && r() < 0.2 ? indent : indent + step, depth + 1, !asSeq);
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

test('quick reader: generated and mutated documents equal js-yaml or are declined', () => {
  let answered = 0;
  let total = 0;
  const bench = readFileSync(join(repoRoot, 'examples/quickstart/compose.yaml'), 'utf8');
  for (let seed = 1; seed <= 2500; seed++) {
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
