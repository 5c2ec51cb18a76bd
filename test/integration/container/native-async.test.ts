// The addon calls the container path uses off the JS thread: spawnDetached
// (how berth-shim is started), runCaptured (how nft and a runtime's delete
// run) and the asynchronous link delete (how a container's veth goes at
// removal), against real processes and links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { isRoot, shortId, tempDir } from '../../helpers/env.js';
import { spawnSync } from 'node:child_process';
import { fstatSync, readFileSync, writeFileSync } from 'node:fs';
import { readLine, runCaptured, spawnDaemon, spawnDetached } from '../../../src/native/spawn.js';
import { linkDelIfExistsAsync } from '../../../src/native/netlink-async.js';
import { linkAdd, linkDelIfExists, linkList } from '../../../src/native/netlink.js';
import { netnsCreate, netnsCreateAsync, netnsDelete } from '../../../src/native/netns.js';
import { spawnShim } from '../../../src/container/shim-client.js';

function readAll(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket({ fd, readable: true, writable: false });
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

test('spawnDetached: own session, stdio on /dev/null, only fd 3 besides, clean signal mask, exit status', async () => {
  // The shell reports about itself on fd 3, then exits 3.
  // Builtins only for the signal mask: dash blocks every signal while it waits for a child.
  const script = [
    'exec >&3',
    'while read -r k v; do case $k in SigBlk:) echo "SigBlk: $v";; esac; done < /proc/$$/status',
    'echo "pid=$$ sid=$(cut -d" " -f6 /proc/$$/stat)"',
    'echo fds:', 'ls /proc/$$/fd', 'echo :fds',
    'echo "stdio=$(readlink /proc/$$/fd/0),$(readlink /proc/$$/fd/2)"',
    'exit 3',
  ].join('; ');
  const c = await spawnDetached('/bin/sh', ['sh', '-c', script]);
  assert.equal(c.status, 3);
  const out = await readAll(c.fd);
  const m = /pid=(\d+) sid=(\d+)/.exec(out);
  assert.ok(m, out);
  assert.equal(m[1], String(c.pid));
  assert.equal(m[2], String(c.pid), 'a session leader');
  assert.deepEqual(/fds:\n([^]*)\n:fds/.exec(out)?.[1]?.split('\n'), ['0', '1', '2', '3'], out);
  assert.match(out, /^stdio=\/dev\/null,\/dev\/null$/m);
  assert.match(out, /^SigBlk:\s+0+$/m);
});

test('spawnDetached: a missing program is an error with its code, nothing spawned', async () => {
  await assert.rejects(spawnDetached('/nonexistent/berth-shim', ['x']), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && /nonexistent/.test(e.message));
});

test('spawnDaemon: returns at once; own session, stdin on /dev/null, stdout and stderr appended to the log, nothing else inherited', async () => {
  const tmp = tempDir();
  try {
    const log = join(tmp.path, 'server.log');
    writeFileSync(log, 'before\n');
    const script = [
      'echo "pid=$$ sid=$(cut -d" " -f6 /proc/$$/stat)"',
      'echo "stdin=$(readlink /proc/$$/fd/0)"',
      'echo fds: $(ls /proc/$$/fd | tr "\\n" " ")',
      'while read -r k v; do case $k in SigBlk:) echo "SigBlk: $v";; esac; done < /proc/$$/status',
      'echo to-stderr >&2',
      'echo done',
      'sleep 0.3',
    ].join('; ');
    const t0 = Date.now();
    const pid = spawnDaemon('/bin/sh', ['sh', '-c', script], log);
    assert.ok(Date.now() - t0 < 250, 'not waited for');
    for (const end = Date.now() + 5000; !readFileSync(log, 'utf8').includes('done\n');) {
      assert.ok(Date.now() < end, readFileSync(log, 'utf8'));
      await new Promise((r) => setTimeout(r, 10));
    }
    const out = readFileSync(log, 'utf8');
    assert.ok(out.startsWith('before\n'), 'appended');
    assert.match(out, new RegExp(`^pid=${pid} sid=${pid}$`, 'm'), 'a session leader');
    assert.match(out, /^stdin=\/dev\/null$/m);
    assert.match(out, /^fds: 0 1 2( 3)?$/m, out); // 3: ls's own directory
    assert.match(out, /^SigBlk:\s+0+$/m);
    assert.match(out, /^to-stderr$/m);
    assert.throws(() => spawnDaemon('/nonexistent/berth-dns', ['x'], log), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    // Once it exits it is reaped: no zombie of ours is left while this process lives on.
    let gone = false;
    for (const end = Date.now() + 5000; !gone && Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      try { process.kill(pid, 0); } catch { gone = true; }
    }
    assert.ok(gone, `pid ${pid} is still there (a zombie?)`);
  } finally {
    tmp.cleanup();
  }
});

test('runCaptured: both streams in full (past a pipe buffer), exit status, signal, PATH lookup, clean start', async () => {
  // 200 KiB on each stream, interleaved: a reader that waited on one pipe only would hang.
  const big = await runCaptured('/bin/sh', ['-c', 'i=0; while [ $i -lt 400 ]; do head -c 512 /dev/zero | tr "\\0" o; head -c 512 /dev/zero | tr "\\0" e >&2; i=$((i+1)); done; exit 7']);
  assert.equal(big.status, 7);
  assert.equal(big.stdout, 'o'.repeat(204800));
  assert.equal(big.stderr, 'e'.repeat(204800));
  const killed = await runCaptured('sh', ['-c', 'kill -TERM $$']);
  assert.equal(killed.status, 128 + 15);
  const self = await runCaptured('sh', ['-c', 'ls /proc/$$/fd; readlink /proc/$$/fd/0; while read -r k v; do case $k in SigBlk:) echo "SigBlk: $v";; esac; done < /proc/$$/status']);
  assert.equal(self.status, 0, self.stderr);
  assert.match(self.stdout, /^0\n1\n2\n(3\n)?\/dev\/null\n/, 'stdin on /dev/null; no descriptor of ours beyond 0-2 (3 is ls\'s own directory)');
  assert.match(self.stdout, /^SigBlk:\s+0+$/m);
  await assert.rejects(runCaptured('berth-no-such-program', []), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
});

test('runCaptured with input: written through a pipe while the output is read; a child that does not read it ends the run', async () => {
  // 1 MiB each way: more than a pipe holds, so writing and reading must interleave.
  const input = 'berth '.repeat(174_763);
  const echoed = await runCaptured('cat', [], input);
  assert.equal(echoed.status, 0);
  assert.equal(echoed.stdout.length, input.length);
  assert.equal(echoed.stdout, input);
  const fifo = await runCaptured('sh', ['-c', 'readlink /proc/$$/fd/0; wc -c'], 'abc');
  assert.match(fifo.stdout, /^pipe:\[\d+\]\n\s*3\n$/, 'stdin is a pipe holding exactly the input');
  assert.equal((await runCaptured('wc', ['-c'], '')).stdout.trim(), '0', 'empty input: end of file at once');
  const ignored = await runCaptured('true', [], input);
  assert.equal(ignored.status, 0, 'a child that exits without reading does not hang or kill the writer');
  // nft reads its batch this way: `-f -` on a pipe.
  const nft = await runCaptured('nft', ['-c', '-j', '-f', '-'], JSON.stringify({ nftables: [{ metainfo: { json_schema_version: 1 } }, { add: { table: { family: 'inet', name: 'berth_stdin_check' } } }] }));
  assert.equal(nft.status, 0, nft.stderr);
});

test('runPassthrough: the child reads our stdin and writes our stdout; stderr is copied on and its tail kept', () => {
  // In a child Node, so that its stdio are pipes this test reads (Node marks its own stdio close-on-exec).
  const script = `
    const { runPassthrough } = await import(${JSON.stringify(new URL('../../../src/native/spawn.js', import.meta.url).href)});
    const r = await runPassthrough('sh', ['-c', 'cat; echo to-err >&2; head -c 6000 /dev/zero | tr "\\\\0" e >&2; exit 4']);
    const k = await runPassthrough('sh', ['-c', 'kill -KILL $$']);
    process.stderr.write('\\nresult ' + JSON.stringify({ status: r.status, signal: r.signal, tail: r.stderrTail.length, end: r.stderrTail.slice(-3), k }) + '\\n');`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'from-stdin\n', encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout, 'from-stdin\n');
  assert.ok(out.stderr.startsWith(`to-err\n${'e'.repeat(6000)}\n`), out.stderr.slice(0, 80));
  const result = JSON.parse(/^result (.*)$/m.exec(out.stderr)![1]!) as { status: number; signal: number; tail: number; end: string; k: { status: number; signal: number } };
  assert.deepEqual(result, { status: 4, signal: 0, tail: 4096, end: 'eee', k: { status: -1, signal: 9, stderrTail: '' } });
});

test('spawnShim: one clear line when the program dies before reporting, the report when it does', async () => {
  await assert.rejects(spawnShim('/bin/sh', ['-c', 'exit 2']), /^BerthError: berth-shim exited without reporting \(exit status 2\)$|exited without reporting \(exit status 2\)/);
  await assert.rejects(spawnShim('/bin/sh', ['-c', 'echo "error no such image" >&3']), /^.*no such image$/);
  await assert.rejects(spawnShim('/bin/sh', ['-c', 'echo hello >&3']), /unexpected report: "hello"/);
  assert.equal(await spawnShim('/bin/sh', ['-c', 'echo "ok 4242" >&3']), 4242);
  // The report may come from a grandchild after the spawned process is gone (the shim's daemon).
  assert.equal(await spawnShim('/bin/sh', ['-c', '(sleep 0.2; echo "ok 7" >&3) & exit 0']), 7);
  await assert.rejects(spawnShim('/nonexistent/berth-shim', []), /cannot start berth-shim \/nonexistent\/berth-shim: .*No such file/);
  // A report that does not come in time, and one that never ends its line.
  await assert.rejects(spawnShim('/bin/sh', ['-c', '(sleep 2; echo "ok 1" >&3) & exit 0'], 100), /did not report within 0.1s/);
  await assert.rejects(spawnShim('/bin/sh', ['-c', 'head -c 5000 /dev/zero | tr "\\0" x >&3']), /unexpected report: "x{200}"/);
});

test('readLine: the line in pieces, the rest left unread; end of file; the descriptor closed; other work goes on meanwhile', async () => {
  const c = await spawnDetached('/bin/sh', ['sh', '-c', '(printf "ok "; sleep 0.1; printf "12\\nmore\\n") >&3 & exit 0']);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const line = await readLine(c.fd, 4096, 5000);
  clearInterval(timer);
  assert.deepEqual(line, { text: 'ok 12', complete: true, timedOut: false });
  assert.ok(ticks >= 5, `the event loop ran while waiting (${ticks} ticks)`);
  assert.throws(() => fstatSync(c.fd), /EBADF/, 'closed');
  const eof = await spawnDetached('/bin/sh', ['sh', '-c', 'printf partial >&3']);
  assert.deepEqual(await readLine(eof.fd, 4096, 5000), { text: 'partial', complete: false, timedOut: false });
});

test('linkDelIfExistsAsync: deletes a veth pair off the JS thread, false when already gone', { skip: !isRoot && 'needs root' }, async () => {
  const tmp = tempDir();
  const id = shortId();
  const ns = join(tmp.path, `ns-${id}`);
  const veth = `va${id}`;
  try {
    netnsCreate(ns);
    linkAdd(null, { name: veth, kind: 'veth', up: true, peer: { name: 'eth0', netns: ns } });
    assert.ok(linkList(null).some((l) => l.name === veth));
    assert.equal(await linkDelIfExistsAsync(null, veth), true);
    assert.ok(!linkList(null).some((l) => l.name === veth));
    assert.ok(!linkList(ns).some((l) => l.name === 'eth0'), 'the peer went with it');
    assert.equal(await linkDelIfExistsAsync(null, veth), false);
    await assert.rejects(linkDelIfExistsAsync(null, 'bad/name'), /invalid interface name/);
  } finally {
    linkDelIfExists(null, veth);
    try { netnsDelete(ns); } catch { /* not created */ }
    tmp.cleanup();
  }
});

test('netnsCreateAsync: a pinned namespace with lo up; an existing file is EEXIST and left alone', { skip: !isRoot && 'needs root' }, async () => {
  const tmp = tempDir();
  const ns = join(tmp.path, `ns-${shortId()}`);
  try {
    await netnsCreateAsync(ns);
    assert.deepEqual(linkList(ns).map((l) => [l.name, l.up]), [['lo', true]]);
    await assert.rejects(netnsCreateAsync(ns), (e: NodeJS.ErrnoException) => e.code === 'EEXIST');
    assert.deepEqual(linkList(ns).map((l) => l.name), ['lo'], 'the existing namespace still works');
    await assert.rejects(netnsCreateAsync('relative/ns'), /absolute/);
  } finally {
    try { netnsDelete(ns); } catch { /* not created */ }
    tmp.cleanup();
  }
});
