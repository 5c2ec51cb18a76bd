import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

function cli(t: { after: (fn: () => void) => void }) {
  const d = tempDir();
  t.after(() => d.cleanup());
  const root = join(d.path, 'root');
  return {
    root,
    run: (...args: string[]) => spawnSync(process.execPath, [berthBin, '--root', root, 'volume', ...args], { encoding: 'utf8', stdin: 'ignore' } as never) as unknown as { status: number; stdout: string; stderr: string },
  };
}

test('volume create, ls (table, json, quiet, filters) and inspect', (t) => {
  const { run } = cli(t);
  assert.equal(run('create', 'web_data', '--label', 'tier=web').stdout, 'web_data\n');
  assert.equal(run('create', 'db_data', '--label', 'tier=db', '--opt', 'type=none', '--opt', 'o=bind', '--opt', 'device=/srv/db').stdout, 'db_data\n');
  const anon = run('create').stdout.trim();
  assert.match(anon, /^[0-9a-f]{64}$/);
  const ls = run('ls');
  assert.equal(ls.status, 0);
  // Listed by name: where the random anonymous name falls depends on its first digit.
  const names = [anon, 'db_data', 'web_data'].sort();
  assert.deepEqual(ls.stdout.trimEnd().split('\n'), ['DRIVER    VOLUME NAME', ...names.map((n) => `local     ${n}`)]);
  assert.equal(run('ls', '-q', '--filter', 'label=tier').stdout, 'db_data\nweb_data\n');
  assert.equal(run('ls', '-q', '--filter', 'label=tier=db', '--filter', 'name=data').stdout, 'db_data\n');
  const json = run('ls', '--format', 'json').stdout.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Labels: string; Mountpoint: string });
  assert.deepEqual(json.map((j) => j.Name), names);
  const byName = (n: string) => json.find((j) => j.Name === n)!;
  assert.equal(byName('web_data').Labels, 'tier=web');
  assert.equal(byName('db_data').Mountpoint, '/srv/db');
  // Go templates, as docker's volume ls --format takes them.
  assert.equal(run('ls', '--filter', 'label=tier', '--format', '{{.Name}}:{{.Label "tier"}}:{{.Driver}}').stdout, 'db_data:db:local\nweb_data:web:local\n');
  assert.equal(run('ls', '--filter', 'name=web', '--format', 'table {{.Name}}\\t{{.Labels}}').stdout, 'VOLUME NAME   LABELS\nweb_data      tier=web\n');
  assert.equal(run('ls', '--format', '{{.Nope}}').status, 15);
  const insp = run('inspect', '-f', '{{.Name}} {{.Labels}} {{json .Options}}', 'db_data', 'web_data');
  assert.equal(insp.stdout, 'db_data map[tier:db] {"device":"/srv/db","o":"bind","type":"none"}\nweb_data map[tier:web] {}\n');
  const inspect = JSON.parse(run('inspect', 'db_data').stdout) as Array<Record<string, unknown>>;
  assert.equal(inspect.length, 1);
  assert.deepEqual(Object.keys(inspect[0]).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.deepEqual(inspect[0].Options, { type: 'none', o: 'bind', device: '/srv/db' });
  const missing = run('inspect', 'web_data', 'nope');
  assert.equal(missing.status, 1);
  assert.equal((JSON.parse(missing.stdout) as unknown[]).length, 1);
  assert.equal(missing.stderr, 'Error: No such volume: nope\n');
});

test('volume errors are one line with a non-zero exit', (t) => {
  const { run } = cli(t);
  for (const [args, re] of [
    [['create', '../../etc'], /^invalid volume name "..\/..\/etc"/],
    [['create', 'xx', '--opt', 'size=1g'], /^volume xx: invalid driver option "size"/],
    [['create', 'xx', '--driver', 'nfs'], /^volume xx: driver "nfs" is not supported/],
    [['ls', '--filter', 'bogus=1'], /^invalid filter "bogus"/],
    [["rm", "nope"], /^no such volume: nope\n$/],
  ] as Array<[string[], RegExp]>) {
    const r = run(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  assert.equal(run('ls', '-q').stdout, '');
});

test('volume rm and prune leave volumes in use alone', (t) => {
  const { run, root } = cli(t);
  run('create', 'used');
  run('create', 'unused');
  const anon = run('create').stdout.trim();
  writeFileSync(join(root, 'volumes', anon, '_data', 'blob'), Buffer.alloc(2048));
  // A container (its directory exists) registered as user of "used".
  mkdirSync(join(root, 'volumes', 'used', 'users'), { recursive: true });
  writeFileSync(join(root, 'volumes', 'used', 'users', 'c0ffee'), '');
  mkdirSync(join(root, 'containers', 'c0ffee'), { recursive: true });
  const rm = run('rm', 'used', 'unused');
  assert.equal(rm.status, 1);
  assert.equal(rm.stdout, 'unused\n');
  assert.match(rm.stderr, /^remove used: volume is in use - \[c0ffee\]$/m);
  assert.equal(run('rm', '--force', 'never-existed').status, 0);
  assert.equal(run('ls', '-q', '--filter', 'dangling=false').stdout, 'used\n');
  const notConfirmed = run('prune');
  assert.equal(notConfirmed.status, 1);
  assert.match(notConfirmed.stderr, /use -f\/--force/);
  const prune = run('prune', '--force');
  assert.equal(prune.stdout, `Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 2.05kB\n`);
  run('create', 'unused2');
  assert.equal(run('prune', '--all', '--force').stdout, 'Deleted Volumes:\nunused2\n\nTotal reclaimed space: 0B\n');
  assert.equal(run('ls', '-q').stdout, 'used\n');
});

test('--dry-run changes nothing', (t) => {
  const { run, root } = cli(t);
  const r = spawnSync(process.execPath, [berthBin, '--root', root, '--dry-run', 'volume', 'create', 'dry'], { encoding: 'utf8' });
  assert.equal(r.stdout, 'would create volume dry\n');
  assert.equal(run('ls', '-q').stdout, '');
});
