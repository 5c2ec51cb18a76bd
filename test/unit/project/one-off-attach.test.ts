// A one-off container with a terminal whose shim is gone, or closing its
// socket, by the time `run` connects (the container ended at once): the
// output comes from the log and the exit code from the wait, never an
// internal error. The container layer is a stand-in: only the socket and
// the log matter here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/env.js';

const moduleUrl = new URL('../../../src/project/one-off-attach.js', import.meta.url).href;

function attachIn(child: { socket: string; log: string; listen?: boolean }) {
  // In a child Node: attachOneOff writes to process.stdout, which the test reads.
  const script = `
    import { createServer } from 'node:net';
    const { attachOneOff } = await import(${JSON.stringify(moduleUrl)});
    if (${child.listen ? 'true' : 'false'}) {
      // A listener that closes every connection at once, as a shim shutting down.
      const srv = createServer((s) => s.destroy());
      await new Promise((r) => srv.listen(${JSON.stringify(child.socket)}, r));
      srv.close();
    }
    const c = { resolve: () => ({ socket: ${JSON.stringify(child.socket)}, logPath: ${JSON.stringify(child.log)} }), wait: async () => ({ exitCode: 3 }) };
    const code = await attachOneOff(c, 'x', true);
    process.stderr.write('code ' + code + '\\n');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
}

test('attach with a terminal: a shim already gone means the log and the exit code', () => {
  const t = tempDir();
  try {
    const log = join(t.path, 'x-json.log');
    const time = new Date(0).toISOString();
    writeFileSync(log, [
      JSON.stringify({ log: '/dev/pts/0\n', stream: 'stdout', time }),
      JSON.stringify({ log: 'last words\n', stream: 'stdout', time }),
      '',
    ].join('\n'));
    for (const [what, listen] of [['no socket', false], ['a socket closing', true]] as const) {
      const r = attachIn({ socket: join(t.path, listen ? 'closing.sock' : 'gone.sock'), log, listen });
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '/dev/pts/0\nlast words\n', what);
      assert.match(r.stderr, /^code 3$/m, what);
      assert.doesNotMatch(r.stderr, /internal error|ECONN/, what);
    }
  } finally {
    t.cleanup();
  }
});
