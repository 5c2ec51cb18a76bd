import { test } from 'node:test';
import assert from 'node:assert/strict';
import { substitute, TemplateError } from '../../../src/compose/interpolate.js';

const env: Record<string, string> = { FOO: 'foo', EMPTY: '', BAR: 'bar', NESTED: 'n' };
const look = (k: string) => env[k];
const sub = (s: string) => substitute(s, look);

test('plain and braced variables', () => {
  assert.equal(sub('$FOO'), 'foo');
  assert.equal(sub('${FOO}'), 'foo');
  assert.equal(sub('a-${FOO}-b'), 'a-foo-b');
  assert.equal(sub('$FOO$BAR'), 'foobar');
  assert.equal(sub('$FOO.txt'), 'foo.txt');
  assert.equal(sub('${FOO}_x'), 'foo_x');
  assert.equal(sub('$FOO_x'), '', 'the name runs to the first non-name character');
});

test('unset variables become empty and are reported', () => {
  const unset: string[] = [];
  assert.equal(substitute('x${NOPE}y$ALSO_NOPE', look, (n) => unset.push(n)), 'xy');
  assert.deepEqual(unset, ['NOPE', 'ALSO_NOPE']);
});

test('defaults: :- for unset or empty, - for unset only', () => {
  assert.equal(sub('${NOPE:-def}'), 'def');
  assert.equal(sub('${EMPTY:-def}'), 'def');
  assert.equal(sub('${FOO:-def}'), 'foo');
  assert.equal(sub('${NOPE-def}'), 'def');
  assert.equal(sub('${EMPTY-def}'), '');
  assert.equal(sub('${NOPE:-}'), '');
  assert.equal(sub('${NOPE:-a b c}'), 'a b c');
});

test('alternatives: :+ when set and non-empty, + when set', () => {
  assert.equal(sub('${FOO:+alt}'), 'alt');
  assert.equal(sub('${EMPTY:+alt}'), '');
  assert.equal(sub('${NOPE:+alt}'), '');
  assert.equal(sub('${EMPTY+alt}'), 'alt');
  assert.equal(sub('${NOPE+alt}'), '');
});

test('required: :? and ? raise with the message', () => {
  assert.throws(() => sub('${NOPE:?must be set}'), (e: Error) => e instanceof TemplateError && /required variable NOPE is missing a value: must be set/.test(e.message));
  assert.throws(() => sub('${EMPTY:?empty}'), /required variable EMPTY/);
  assert.equal(sub('${EMPTY?err}'), '');
  assert.throws(() => sub('${NOPE?}'), /required variable NOPE is missing a value$/);
  assert.equal(sub('${FOO:?x}'), 'foo');
});

test('nested expressions in defaults', () => {
  assert.equal(sub('${NOPE:-${FOO}}'), 'foo');
  assert.equal(sub('${NOPE:-${ALSO:-${BAR}}}'), 'bar');
  assert.equal(sub('${NOPE:-pre-${FOO}-post}'), 'pre-foo-post');
  assert.equal(sub('${FOO:+${BAR}}'), 'bar');
  // the unused branch is not evaluated, so it cannot fail
  assert.equal(sub('${FOO:-${NOPE:?boom}}'), 'foo');
});

test('$$ escapes a dollar', () => {
  assert.equal(sub('$$FOO'), '$FOO');
  assert.equal(sub('$${FOO}'), '${FOO}');
  assert.equal(sub('a$$b'), 'a$b');
  assert.equal(sub('${NOPE:-$$x}'), '$x');
});

test('a lone $ stays literal', () => {
  assert.equal(sub('5$'), '5$');
  assert.equal(sub('$ 1'), '$ 1');
  assert.equal(sub('$1'), '$1');
});

test('invalid templates are errors', () => {
  assert.throws(() => sub('${FOO'), /unclosed/);
  assert.throws(() => sub('${}'), /expected a variable name/);
  assert.throws(() => sub('${FOO:x}'), /invalid interpolation format/);
  assert.throws(() => sub('${1A}'), /invalid interpolation format/);
  assert.throws(() => sub('${FOO BAR}'), /invalid interpolation format/);
});
