import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv } from '../../../src/compose/dotenv.js';

const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, '.env', (k) => env[k]);

test('simple assignments, comments, blank lines, export', () => {
  assert.deepEqual(parse('# comment\nA=1\n\nexport B=two\n  C = spaced  \n'), { A: '1', B: 'two', C: 'spaced' });
});

test('inline comments only after whitespace in unquoted values', () => {
  assert.deepEqual(parse('A=value # comment\nB=val#ue\n'), { A: 'value', B: 'val#ue' });
});

test('empty values', () => {
  assert.deepEqual(parse('A=\nB=""\nC=\'\'\n'), { A: '', B: '', C: '' });
});

test('single quotes are literal', () => {
  assert.deepEqual(parse("A='x $B \\n y'\n", { B: 'no' }), { A: 'x $B \\n y' });
});

test('double quotes process escapes and interpolate', () => {
  assert.deepEqual(parse('A="line1\\nline2\\t\\"q\\" \\\\"\nB="${A:+set}"\n'), { A: 'line1\nline2\t"q" \\', B: 'set' });
});

test('quoted values may span lines', () => {
  assert.deepEqual(parse('A="first\nsecond"\nB=\'x\ny\'\nC=3\n'), { A: 'first\nsecond', B: 'x\ny', C: '3' });
});

test('interpolation uses the environment first, then earlier lines', () => {
  assert.deepEqual(parse('A=file\nB=${A}-x\nC=${HOME_X:-d}\n', { A: 'shell' }), { A: 'file', B: 'shell-x', C: 'd' });
  assert.deepEqual(parse('A=file\nB=$A\n'), { A: 'file', B: 'file' });
});

test('a bare name takes its value from the environment', () => {
  assert.deepEqual(parse('A\nB\n', { A: 'from-env' }), { A: 'from-env' });
});

test('yaml-style KEY: value', () => {
  assert.deepEqual(parse('A: 1\n'), { A: '1' });
});

test('CRLF line endings', () => {
  assert.deepEqual(parse('A=1\r\nB=2\r\n'), { A: '1', B: '2' });
});

test('errors carry the line', () => {
  assert.throws(() => parse('A=1\n1BAD=2\n'), /\.env:2:1: invalid variable name "1BAD"/);
  assert.throws(() => parse('A=1\nB="open\n'), /\.env:2:1: unterminated quoted value for B/);
  assert.throws(() => parse('A="x" junk\n'), /unexpected text after the quoted value/);
  assert.throws(() => parse('A=${B:?need B}\n'), /\.env:1:1: required variable B/);
});

test('double-quoted escapes as compose-go reads them: Go rune escapes, \\0 octal, others kept; single quotes escape only the quote', () => {
  assert.deepEqual(parse('A="\\a\\b\\f\\v|\\x41|\\`|\\q"\n'), { A: '\x07\b\f\v|\\x41|\\`|\\q' });
  assert.deepEqual(parse('O="\\0123|\\012|\\0|\\0400|\\0000"\n'), { O: 'S|\\12|\\|\\400|\\000' });
  assert.deepEqual(parse("S='it\\'s \\n'\n"), { S: "it's \\n" });
});
