// The Dockerfile parser and word expansion, on text alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../../src/image/build/dockerfile-parse.js';
import { toInstructions } from '../../../../src/image/build/instructions.js';
import { expandWord, expandWords, keyValuePairs } from '../../../../src/image/build/shell-lex.js';
import { IgnoreMatcher, patternRegex } from '../../../../src/image/build/pattern.js';
import { neededStages, splitStages } from '../../../../src/image/build/stages.js';

test('directives, comments, continuations and positions', () => {
  const df = parseDockerfile([
    '# syntax=docker/dockerfile:1',
    '# escape=`',
    '',
    'FROM busybox',
    '  # a comment',
    'RUN echo a `',
    '# inside',
    '',
    '    && echo b',
    'copy a b',
  ].join('\n'), 'Dockerfile');
  assert.equal(df.escape, '`');
  assert.equal(df.syntax, 'docker/dockerfile:1');
  assert.deepEqual(df.instructions.map((i) => [i.keyword, i.args, i.line, i.col]), [
    ['FROM', 'busybox', 4, 1], ['RUN', 'echo a     && echo b', 6, 1], ['COPY', 'a b', 10, 1],
  ]);
});

test('heredocs: several per line, quoted and <<- forms', () => {
  const df = parseDockerfile('FROM x\nRUN <<A cat - <<-"B"\none $X\nA\n\ttwo\n\tB\nCMD ["sh"]\n');
  const run = df.instructions[1]!;
  assert.deepEqual(run.heredocs.map((h) => [h.name, h.content, h.expand, h.chomp]), [['A', 'one $X\n', true, false], ['B', 'two\n', false, true]]);
  assert.equal(df.instructions[2]!.line, 7);
  assert.throws(() => parseDockerfile('FROM x\nRUN <<EOF\necho\n'), /Dockerfile:2:1: unterminated heredoc <<EOF/);
});

test('unknown instruction and bad flags name the line', () => {
  assert.throws(() => toInstructions(parseDockerfile('FROM x\n\nFOO bar\n')), /^DockerfileError: Dockerfile:3:1: unknown instruction: FOO$|Dockerfile:3:1: unknown instruction: FOO/);
  assert.throws(() => toInstructions(parseDockerfile('FROM x\nCOPY --form=a b c\n')), /Dockerfile:2:1: COPY: unknown flag --form/);
  assert.throws(() => toInstructions(parseDockerfile('FROM x\nSHELL sh -c\n')), /Dockerfile:2:1: SHELL requires the arguments to be in JSON form/);
  const [, copy, cmd] = toInstructions(parseDockerfile('FROM x\nCOPY --from=b --chmod=755 ["a b", "/c"]\nCMD echo hi\n'));
  assert.deepEqual(copy!.flags, { from: ['b'], chmod: ['755'] });
  assert.deepEqual(copy!.json, ['a b', '/c']);
  assert.equal(cmd!.json, undefined);
});

test('substitution: forms, quotes, escapes, required variables', () => {
  const env = (n: string) => ({ A: 'a', E: '', P: 'x y' } as Record<string, string>)[n];
  assert.equal(expandWord('$A${A}_${B:-dflt}${E:-e}${E-e}${A:+set}${B+no}', env), 'aa_dflteset');
  assert.equal(expandWord(`'$A'"$A"\\$A`, env), '$Aa$A');
  assert.throws(() => expandWord('${B:?must be set}', env), /B: must be set/);
  assert.throws(() => expandWord('${B?}', env), /B: is not set/);
  assert.deepEqual(expandWords('80 "$P" 443/udp', env), ['80', 'x y', '443/udp']);
  assert.deepEqual(keyValuePairs('K=$A "L M"="v w" N=', env, '\\', true), [['K', 'a'], ['L M', 'v w'], ['N', '']]);
  assert.deepEqual(keyValuePairs('K  some value', env, '\\', true), [['K', 'some value']]);
});

test('patterns and .dockerignore with exceptions', () => {
  assert.ok(patternRegex('src/*.ts').test('src/a.ts'));
  assert.ok(!patternRegex('src/*.ts').test('src/x/a.ts'));
  assert.ok(patternRegex('**/*.log').test('a/b/c.log'));
  assert.ok(patternRegex('**/*.log').test('c.log'));
  const m = new IgnoreMatcher('# c\nnode_modules\n*.log\n!keep.log\nbuild/\n!build/out\n');
  assert.ok(m.ignored('node_modules/x/y.js'));
  assert.ok(m.ignored('a.log'));
  assert.ok(!m.ignored('keep.log'));
  assert.ok(!m.ignored('sub/a.log'), '*.log matches at the root only');
  assert.ok(m.ignored('build/tmp'));
  assert.ok(!m.ignored('build/out'));
  assert.ok(m.mayHaveExceptions('build'));
});

test('stages: target selection needs only what it reads; a cycle names its line', () => {
  const list = toInstructions(parseDockerfile('ARG V=1\nFROM busybox:$V AS a\nFROM scratch AS b\nCOPY --from=a /x /x\nFROM b AS c\nFROM scratch AS d\n'));
  const g = splitStages('Dockerfile', list, (n) => (n === 'V' ? '1' : undefined), '\\');
  assert.equal(g.stages[0]!.base, 'busybox:1');
  const ex = (w: string) => w;
  assert.deepEqual(neededStages(g, g.stages[2]!, ex).map((s) => s.name), ['a', 'b', 'c']);
  assert.deepEqual(neededStages(g, g.stages[3]!, ex).map((s) => s.name), ['d']);
  const cyc = toInstructions(parseDockerfile('FROM scratch AS a\nCOPY --from=b /x /x\nFROM scratch AS b\nCOPY --from=a /y /y\n'));
  const gc = splitStages('Dockerfile', cyc, () => undefined, '\\');
  assert.throws(() => neededStages(gc, gc.stages[1]!, ex), /Dockerfile:\d:1: stage cycle: (a → b → a|b → a → b)/);
  assert.throws(() => splitStages('Dockerfile', toInstructions(parseDockerfile('RUN x\nFROM y\n')), () => undefined, '\\'), /Dockerfile:1:1: RUN before the first FROM/);
});
