import assert from 'node:assert/strict';
import { appendFileSync, closeSync, openSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LogCursor, readLastLines, rotatedFiles, tailOffset } from '../../../src/logs/files.js';
import { tempDir } from '../../helpers/env.js';

describe('log files', () => {
  it('finds the last N complete lines, scanning back across chunks', () => {
    const t = tempDir();
    try {
      const f = join(t.path, 'x.log');
      const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
      writeFileSync(f, lines.join('\n') + '\npartial');
      assert.deepEqual(readLastLines(f, 3), lines.slice(-3));
      assert.deepEqual(readLastLines(f, 4999), lines.slice(1));
      assert.deepEqual(readLastLines(f, 9999), lines);
      const fd = openSync(f, 'r');
      try {
        assert.equal(tailOffset(fd, 0, 3).found, 0);
        assert.deepEqual(tailOffset(fd, 100, 0), { offset: 100, found: 0 });
      } finally {
        closeSync(fd);
      }
      assert.deepEqual(readLastLines(join(t.path, 'missing'), 3), []);
    } finally {
      t.cleanup();
    }
  });

  it('reads a file with more lines than a call may take arguments', () => {
    const t = tempDir();
    try {
      const f = join(t.path, 'big.log');
      writeFileSync(f, 'x\n'.repeat(300_000));
      const cur = new LogCursor(f);
      assert.equal(cur.read().length, 300_000);
      cur.close();
    } finally {
      t.cleanup();
    }
  });

  it('orders rotated files oldest first', () => {
    const t = tempDir();
    try {
      const f = join(t.path, 'a-json.log');
      for (const s of ['', '.1', '.2', '.10', '.x', '.0']) writeFileSync(f + s, '');
      writeFileSync(join(t.path, 'other-json.log.1'), '');
      assert.deepEqual(rotatedFiles(f), [f + '.10', f + '.2', f + '.1']);
    } finally {
      t.cleanup();
    }
  });

  it('follows appends, a partial line, a rotation and a truncation', () => {
    const t = tempDir();
    try {
      const f = join(t.path, 'c.log');
      const cur = new LogCursor(f);
      assert.deepEqual(cur.read(), []); // not there yet
      writeFileSync(f, 'a\nb');
      assert.deepEqual(cur.read(), ['a']);
      appendFileSync(f, 'c\nd\n');
      assert.deepEqual(cur.read(), ['bc', 'd']);
      // Rotation: more lines land in the old file before the rename, then the new file starts.
      appendFileSync(f, 'e\n');
      renameSync(f, f + '.1');
      writeFileSync(f, 'f\n');
      assert.deepEqual(cur.read(), ['e', 'f']);
      // Truncated in place (max-file 1).
      truncateSync(f, 0);
      appendFileSync(f, 'g\n');
      assert.deepEqual(cur.read(), ['g']);
      cur.close();
    } finally {
      t.cleanup();
    }
  });
});
