// The tool commands against real containers (root): logs (tail, since,
// follow across a restart and a container that starts later), exec (exit
// code, env, user, workdir), cp both ways with symlink-escape attempts, top,
// stats, events, wait, ls.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { berthBin, isRoot, shortId } from '../../helpers/env.js';
import { shim, ToolsEnv, until, sleep } from './harness.js';

describe('tool commands (root)', { skip: !isRoot || !existsSync(shim) ? 'needs root and native/out/berth-shim' : false }, () => {
  let env: ToolsEnv;
  before(() => { env = new ToolsEnv(); });
  after(async () => { await env.cleanup(); });

  it('logs: prefixes, interleaving, --tail, --since, --no-log-prefix, --index', async () => {
    const a = await env.run('alpha', 1, ['sh', '-c', 'echo a1; sleep 0.3; echo a2; echo a3 >&2']);
    await sleep(100);
    const b = await env.run('beta-long', 1, ['sh', '-c', 'echo b1; sleep 0.4; echo b2']);
    await env.c.wait(a.id);
    await env.c.wait(b.id);
    const r = env.berth(['logs', '--no-color']);
    assert.equal(r.status, 0, r.stderr);
    // Interleaved by time: the exact order depends on how fast the machine
    // started the two containers, so check the order against the timestamps.
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.deepEqual([...lines].sort(), ['alpha-1      | a1', 'alpha-1      | a2', 'beta-long-1  | b1', 'beta-long-1  | b2']);
    assert.deepEqual(lines.filter((l) => l.startsWith('alpha')), ['alpha-1      | a1', 'alpha-1      | a2']);
    const stamped = env.berth(['logs', '--no-color', '-t']).stdout.split('\n').filter(Boolean);
    const times = stamped.map((l) => /\| (\S+) /.exec(l)![1]);
    assert.deepEqual(times, [...times].sort(), stamped.join('\n'));
    assert.deepEqual(stamped.map((l) => l.replace(/\| \S+ /, '| ')), lines);
    assert.equal(r.stderr, 'alpha-1      | a3\n');
    const tail = env.berth(['logs', '--no-color', '--tail', '1', 'beta-long']);
    assert.equal(tail.stdout, 'beta-long-1  | b2\n');
    assert.equal(env.berth(['logs', '--since', '2099-01-01T00:00:00Z']).stdout, '');
    assert.equal(env.berth(['logs', '--until', '1h', 'alpha']).stdout, '');
    const since = env.berth(['logs', '--no-log-prefix', '--since', '10m', 'alpha']);
    assert.equal(since.stdout, 'a1\na2\n');
    const ts = env.berth(['logs', '-t', '--no-log-prefix', '--index', '1', 'beta-long']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z b1\n/);
    const bad = env.berth(['logs', '--since', 'yesterday']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /invalid value "yesterday" for --since/);
  });

  it('logs -f follows a restarted container and one that starts later', async () => {
    const a = await env.run('follow', 1, ['sh', '-c', 'echo first-run']);
    await env.c.wait(a.id);
    const f = env.spawn(['logs', '-f', '--no-color', 'follow', 'late']);
    await until('first line', () => f.out().includes('first-run'));
    // Same container again: its log file grows.
    await env.c.start(a.id);
    await until('second run', () => f.out().split('first-run').length === 3);
    // A container created after logs -f started.
    const late = await env.run('late', 1, ['sh', '-c', 'echo late-line']);
    await until('late container', () => f.out().includes('late-1    | late-line'));
    await env.c.wait(late.id);
    f.child.kill('SIGINT');
    const code = await new Promise((r) => f.child.on('exit', (c) => r(c)));
    assert.equal(code, 0);
    assert.match(f.out(), /^follow-1  \| first-run\nfollow-1  \| first-run\nlate-1    \| late-line\n$/);
  });

  it('exec: exit code, -e, -u, -w, --index, not running', async () => {
    await env.run('web', 1, ['sleep', '300']);
    await env.run('web', 2, ['sleep', '300']);
    const r = env.berth(['exec', '-T', '-e', 'FOO=bar baz', 'web', 'sh', '-c', 'echo "$FOO"; exit 3']);
    assert.equal(r.stdout, 'bar baz\n');
    assert.equal(r.status, 3);
    const u = env.berth(['exec', '-T', '-u', 'app', '-w', '/tmp', 'web', 'sh', '-c', 'id -u; pwd']);
    assert.equal(u.status, 0, u.stderr);
    assert.equal(u.stdout, '1000\n/tmp\n');
    const host = env.berth(['exec', '-T', '--index', '2', 'web', 'hostname']);
    const id2 = env.c.resolve(`${env.project}-web-2`).id;
    assert.equal(host.stdout.trim(), id2.slice(0, 12));
    const caps = (args: string[]) => /CapEff:\s+([0-9a-f]+)/.exec(env.berth(['exec', '-T', ...args, 'web', 'grep', 'CapEff', '/proc/self/status']).stdout)?.[1];
    assert.ok(BigInt(`0x${caps(['--privileged'])}`) > BigInt(`0x${caps([])}`), 'more capabilities with --privileged');
    const det = env.berth(['exec', '-d', 'web', 'sh', '-c', 'sleep 0.2; echo detached > /tmp/det']);
    assert.equal(det.status, 0, det.stderr);
    await until('detached exec', () => env.berth(['exec', '-T', 'web', 'cat', '/tmp/det']).stdout === 'detached\n');
    const none = env.berth(['exec', '-T', '--index', '5', 'web', 'true']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no container with index 5/);
  });

  it('exec gives a real pty when stdin is a terminal', () => {
    // util-linux script(1) gives the CLI a terminal; the command inside sees one too.
    const cmd = [process.execPath, berthBin, '--root', env.root, '-p', env.project, 'exec', '-it', 'web', 'sh', '-c', 'tty; test -t 0 && echo in-tty; exit 4']
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: env.cwd, env: env.env(), encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout, /\/dev\/pts\/\d+\r?\n/);
    assert.match(r.stdout, /in-tty/);
    assert.equal(r.status, 4);
  });

  it('top and stats --no-stream list the running processes and counters', async () => {
    const top = env.berth(['top', 'web']);
    assert.equal(top.status, 0, top.stderr);
    // (an exec of the previous test may still be on its way out: match the container's own process)
    const name = (n: number) => `${env.project}-web-${n}`;
    assert.match(top.stdout, new RegExp(`^${name(1)}\\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\\n(?:.*\\n)*?root +\\d+ +\\d+ +\\d+ +\\d\\d:\\d\\d +\\? +00:00:00 +sleep 300\\n`));
    assert.match(top.stdout, new RegExp(`\\n${name(2)}\\n`));
    const st = env.berth(['stats', '--no-stream', '--format', 'json', 'web']);
    assert.equal(st.status, 0, st.stderr);
    const rows = st.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(rows.map((x) => x.Name), [`${env.project}-web-1`, `${env.project}-web-2`]);
    assert.ok(Number(rows[0]!.PIDs) >= 1, rows[0]!.PIDs);
    assert.match(rows[0]!.MemUsage, /^[\d.]+[KMG]?i?B \/ [\d.]+[KMGT]?i?B$/);
    assert.match(rows[0]!.CPUPerc, /^\d+\.\d\d%$/);
    const table = env.berth(['stats', '--no-stream', 'web']);
    assert.match(table.stdout, /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS\n/);
  });

  it('cp: both directions, directories, and no escape through symlinks', async () => {
    const rec = env.c.resolve(`${env.project}-web-1`);
    const host = join(env.tmp.path, 'cp');
    mkdirSync(host, { recursive: true });
    // Hostile links inside the container: absolute and relative ways "out".
    const mk = env.berth(['exec', '-T', 'web', 'sh', '-c', 'ln -s / /esc && ln -s ../../../../../../.. /up && mkdir -p /data/sub && echo inner > /data/sub/f && ln -s /etc/hostname /data/link']);
    assert.equal(mk.status, 0, mk.stderr);

    // container → host: a file, a directory (symlinks kept as symlinks).
    assert.equal(env.berth(['cp', 'web:/data', join(host, 'data')]).status, 0);
    assert.equal(readFileSync(join(host, 'data/sub/f'), 'utf8'), 'inner\n');
    assert.equal(readlinkSync(join(host, 'data/link')), '/etc/hostname');
    // Reading through the links resolves inside the container: its hostname, not the host's.
    for (const via of ['/esc/etc/hostname', '/up/etc/hostname']) {
      const out = join(host, `hn-${shortId()}`);
      const r = env.berth(['cp', `web:${via}`, out]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readFileSync(out, 'utf8').trim(), rec.id.slice(0, 12));
    }

    // host → container: through the same links the file lands inside the container.
    const marker = `berth-cp-${shortId(10)}`;
    writeFileSync(join(host, 'm'), 'payload\n');
    for (const via of ['/up/tmp/', '/esc/tmp/']) {
      const r = env.berth(['cp', join(host, 'm'), `web:${via}${marker}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!existsSync(`/tmp/${marker}`), `no host file via ${via}`);
      rmSync(`/tmp/${marker}`, { force: true });
    }
    const back = env.berth(['exec', '-T', 'web', 'cat', `/tmp/${marker}`]);
    assert.equal(back.stdout, 'payload\n');
    // A directory into an existing directory, then "dir/." contents only.
    mkdirSync(join(host, 'tree/deep'), { recursive: true });
    writeFileSync(join(host, 'tree/deep/x'), 'x\n');
    symlinkSync('/', join(host, 'tree/root-link'));
    assert.equal(env.berth(['cp', join(host, 'tree'), 'web:/data']).status, 0);
    assert.equal(env.berth(['cp', join(host, 'tree') + '/.', 'web:/data/sub']).status, 0);
    const ls = env.berth(['exec', '-T', 'web', 'sh', '-c', 'cat /data/tree/deep/x /data/sub/deep/x; readlink /data/tree/root-link; stat -c %u /data/tree/deep/x']);
    assert.equal(ls.stdout, 'x\nx\n/\n0\n');
    // A copied symlink cannot be used later to write out of the container.
    const r2 = env.berth(['cp', join(host, 'm'), `web:/data/tree/root-link/tmp/${marker}-2`]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.ok(!existsSync(`/tmp/${marker}-2`));
    // Errors: missing source, directory onto a file.
    const miss = env.berth(['cp', 'web:/nope', join(host, 'x')]);
    assert.equal(miss.status, 1);
    assert.match(miss.stderr, /could not find the file \/nope in container/);
    assert.match(env.berth(['cp', join(host, 'tree'), 'web:/etc/hostname']).stderr, /cannot copy a directory to a file/);
    // tar to stdout carries the directory under its base name.
    const tarOut = env.berth(['cp', 'web:/data/sub', '-']);
    assert.equal(tarOut.status, 0);
    assert.ok(tarOut.stdout.includes('sub/f'));
    assert.ok(lstatSync(join(host, 'data')).isDirectory());
  });

  it('wait returns the exit code; ls summarizes the projects', async () => {
    const j = await env.run('job', 1, ['sh', '-c', 'sleep 0.5; exit 7']);
    const w = env.berth(['wait', 'job']);
    assert.equal(w.status, 7, w.stderr);
    assert.equal(w.stdout, `container "${j.id}" exited with status code 7\n`);
    const ls = env.berth(['ls', '--format', 'json']);
    const mine = (JSON.parse(ls.stdout) as { Name: string; Status: string }[]).find((p) => p.Name === env.project);
    assert.equal(mine?.Status, 'running(2)');
    const all = (JSON.parse(env.berth(['ls', '-a', '--format', 'json']).stdout) as { Name: string; Status: string }[]).find((p) => p.Name === env.project);
    assert.match(all!.Status, /^exited\(\d+\), running\(2\)$/);
    assert.ok(env.berth(['ls', '-q', '--filter', `name=${env.project}`]).stdout.split('\n').includes(env.project));
  });

  it('events --json reports create, start and die', async () => {
    const ev = env.spawn(['events', '--json', 'evt', 'probe']);
    // The watcher is ready once it reports a container created after it began: create probes until one shows.
    let probes = 0;
    const deadline = Date.now() + 30_000;
    while (!ev.out().includes('"service":"probe"')) {
      if (Date.now() > deadline) throw new Error(`events never reported a probe container: ${ev.err()}`);
      await env.create('probe', ++probes, ['true']);
      await until('a probe event', () => ev.out().includes('"service":"probe"'), 1000).catch(() => undefined);
    }
    const rec = await env.run('evt', 1, ['sh', '-c', 'sleep 0.5; exit 2']);
    await until('die event', () => ev.out().includes('"action":"die"'));
    ev.child.kill('SIGINT');
    const events = ev.out().trim().split('\n').map((l) => JSON.parse(l) as { action: string; id: string; service: string; attributes: Record<string, string> })
      .filter((e) => e.service === 'evt');
    assert.deepEqual(events.map((e) => e.action), ['create', 'start', 'die']);
    assert.ok(events.every((e) => e.id === rec.id && e.service === 'evt'));
    assert.equal(events[2]!.attributes.exitCode, '2');
    assert.equal(events[0]!.attributes.name, `${env.project}-evt-1`);
  });

  it('wait --down-project takes the project down once the services stopped', async () => {
    await env.run('last', 1, ['sh', '-c', 'exit 4']);
    const r = env.berth(['wait', '--down-project', 'last']);
    assert.equal(r.status, 4, r.stderr);
    assert.deepEqual(env.c.list().filter((x) => x.record.labels['com.docker.compose.project'] === env.project).map((x) => x.record.name), []);
  });
});
