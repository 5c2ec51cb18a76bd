import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../helpers/env.js';
import { LogFollower, lineFormatter, type LogLine } from '../../../src/logs/attach.js';

const entry = (log: string, time = '2026-01-01T00:00:01.000000000Z', stream = 'stdout') => JSON.stringify({ log, stream, time }) + '\n';

test('LogFollower reads complete lines, keeps a torn one for later, survives rotation, honours since', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const p = join(d.path, 'c-json.log');
  writeFileSync(p, entry('old\n', '2020-01-01T00:00:00Z') + entry('one\n'));
  const got: LogLine[] = [];
  const f = new LogFollower((l) => got.push(l));
  f.add({ container: 'web-1', logPath: p, sinceMs: Date.parse('2025-01-01T00:00:00Z') });
  f.poll();
  assert.deepEqual(got.map((l) => l.text), ['one']);
  const torn = entry('two\n', '2026-01-01T00:00:02Z', 'stderr');
  appendFileSync(p, torn.slice(0, 10));
  f.poll();
  assert.equal(got.length, 1);
  appendFileSync(p, torn.slice(10));
  f.poll();
  assert.deepEqual(got.map((l) => `${l.stream}:${l.text}`), ['stdout:one', 'stderr:two']);
  renameSync(p, `${p}.1`);
  writeFileSync(p, entry('three\n'));
  f.poll();
  assert.deepEqual(got.map((l) => l.text), ['one', 'two', 'three']);
});

test('lineFormatter pads prefixes to the widest name, colours only when asked', () => {
  const l = { container: 'db-1', stream: 'stdout' as const, time: 'T', text: 'hello' };
  assert.equal(lineFormatter(['db-1', 'worker-1'], { color: false, prefix: true, timestamps: false })(l), 'db-1      | hello\n');
  assert.equal(lineFormatter(['db-1'], { color: false, prefix: false, timestamps: true })(l), 'T hello\n');
  assert.match(lineFormatter(['db-1'], { color: true, prefix: true, timestamps: false })(l), /^\x1b\[36mdb-1 {2}\| \x1b\[0mhello\n$/);
});
