// berth-shim json-file logs: partial lines, 16 KiB splitting, escaping, and
// size-based rotation with max-file, in order across the rotated files.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isRoot, tempDir } from '../../helpers/env.js';
import { ShimCase, makeRootfs, shimBin } from './harness.js';

const skip = !isRoot ? 'needs root' : !existsSync(shimBin) ? 'berth-shim not built' : false;

describe('berth-shim logs', { skip }, () => {
  const shared = tempDir('berth-shim-rootfs-');
  let rootfs = '';
  before(() => { rootfs = makeRootfs(shared.path); });
  after(() => shared.cleanup());

  async function run(args: string[], extra: string[] = []): Promise<ShimCase> {
    const c = new ShimCase(rootfs);
    try {
      assert.match(await c.start({ args, extra }), /^ok /);
      const st = await c.waitFor((s) => s.status === 'exited', 'exit');
      await c.waitShimGone(st.shimPid);
      assert.deepEqual(c.leftovers(), []);
      return c;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  test('partial lines, long lines split at 16 KiB, control characters escaped', async () => {
    const c = await run(['sh', '-c',
      'printf "no newline"; sleep 0.2; printf " then more\\n"; printf "tab\\there \\"q\\" \\033[1m\\n"; ' +
      'head -c 40000 /dev/zero | tr "\\0" a; echo; printf "tail"']);
    try {
      const log = c.log();
      // A partial line waits for the rest of it (as Docker's copier does).
      assert.deepEqual(log.slice(0, 2).map((e) => e.log), ['no newline then more\n', 'tab\there "q" \u001b[1m\n']);
      const long = log.slice(2, 5).map((e) => e.log);
      assert.deepEqual(long.map((l) => l.length), [16384, 16384, 40000 - 2 * 16384 + 1]);
      assert.ok(long.join('') === 'a'.repeat(40000) + '\n', 'the long line, whole');
      assert.deepEqual(log.slice(5).map((e) => e.log), ['tail'], 'the last partial line is written at exit');
      for (const e of log) assert.equal(e.stream, 'stdout');
    } finally {
      c.close();
    }
  });

  test('rotates at max-size, keeps max-file files, in order', async () => {
    const max = 2000;
    const c = await run(['sh', '-c', 'for i in $(seq 1 300); do echo "line $i"; done'],
      ['--log-max-size', String(max), '--log-max-file', '3']);
    try {
      const files = [`${c.logPath}.2`, `${c.logPath}.1`, c.logPath];
      for (const f of files) {
        assert.ok(existsSync(f), `${f} exists`);
        assert.ok(statSync(f).size <= max, `${f} within max-size (${statSync(f).size})`);
      }
      assert.equal(existsSync(`${c.logPath}.3`), false, 'no more than max-file files');
      const lines = files.flatMap((f) => c.log(f)).map((e) => Number(e.log.match(/^line (\d+)\n$/)![1]));
      assert.equal(lines[lines.length - 1], 300);
      assert.deepEqual(lines, lines.map((_, i) => lines[0] + i), 'consecutive lines across rotated files');
      assert.ok(lines.length < 300 && lines.length > 40);
    } finally {
      c.close();
    }
  });

  test('max-file 1 truncates in place', async () => {
    const c = await run(['sh', '-c', 'for i in $(seq 1 100); do echo "line $i"; done'], ['--log-max-size', '1000']);
    try {
      assert.equal(existsSync(`${c.logPath}.1`), false);
      assert.ok(statSync(c.logPath).size <= 1000);
      const last = c.log().map((e) => e.log);
      assert.equal(last[last.length - 1], 'line 100\n');
    } finally {
      c.close();
    }
  });
});
