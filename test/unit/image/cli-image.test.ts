// The image commands through the real CLI, on a private store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

function berth(root: string, ...args: string[]) {
  return spawnSync(process.execPath, [berthBin, '--root', root, ...args], { encoding: 'utf8' });
}

test('import, ls/images (table, json, filters), tag, history, inspect, rm', () => {
  const t = tempDir('berth-cli-img-');
  try {
    const dir = join(t.path, 'rootfs');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin/app'), 'app');
    const imp = berth(t.path, 'image', 'import', '-c', 'LABEL tier=web', '-m', 'first', dir, 'web:1');
    assert.equal(imp.status, 0, imp.stderr);
    const id = imp.stdout.trim();
    assert.match(id, /^sha256:[a-f0-9]{64}$/);
    assert.equal(berth(t.path, 'image', 'tag', 'web:1', 'registry.test:5000/team/web:2').status, 0);

    const table = berth(t.path, 'image', 'ls');
    assert.match(table.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
    assert.match(table.stdout, new RegExp(`\\nweb\\s+1\\s+${id.slice(7, 19)}\\s`));
    const json = berth(t.path, 'image', 'ls', '--format', 'json').stdout.trim().split('\n').map((l: string) => JSON.parse(l)); // one object per line, as docker
    assert.equal(json.length, 2, 'one row per tag');
    assert.deepEqual(json.map((r: { Repository: string; Tag: string }) => `${r.Repository}:${r.Tag}`).sort(), ['registry.test:5000/team/web:2', 'web:1']);
    assert.equal(json[0].ID, id);
    assert.equal(typeof json[0].Size, 'number');
    assert.deepEqual(json[0].RepoTags.sort(), ['registry.test:5000/team/web:2', 'web:1']);
    assert.equal(berth(t.path, 'image', 'ls', '-q', '--filter', 'label=tier=web').stdout, `${id.slice(7, 19)}\n`);
    assert.equal(berth(t.path, 'image', 'ls', '-q', '--filter', 'label=tier=db').stdout, '');
    assert.match(berth(t.path, 'image', 'ls', '--filter', 'reference=registry.test:5000/*/web').stdout, /registry\.test:5000\/team\/web\s+2/);
    assert.doesNotMatch(berth(t.path, 'image', 'ls', '--filter', 'reference=registry.test:5000/*/web').stdout, /\nweb /);
    assert.equal(berth(t.path, 'image', 'ls', '--filter', 'nope=1').status, 15);
    assert.equal(berth(t.path, 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}').stdout.split('\n').sort().join('\n'),
      `\nregistry.test:5000/team/web:2 ${id.slice(7, 19)}\nweb:1 ${id.slice(7, 19)}`);
    assert.match(berth(t.path, 'image', 'ls', '--format', 'table {{.Repository}}\\t{{.Size}}', '--filter', 'reference=web').stdout, /^REPOSITORY   SIZE\nweb          \d+(\.\d+)?[kM]?B\n$/);
    assert.equal(berth(t.path, 'image', 'ls', '--format', '{{.Nope}}').status, 15);
    assert.equal(berth(t.path, 'image', 'inspect', '-f', '{{.Config.Labels}} {{index .RepoTags 0}}', 'web:1').stdout, 'map[tier:web] web:1\n');

    const hist = berth(t.path, 'image', 'history', '--format', 'json', 'web:1').stdout.trim().split('\n').map((l: string) => JSON.parse(l));
    assert.equal(hist.length, 1);
    assert.equal(hist[0].Comment, 'first');
    const insp = JSON.parse(berth(t.path, 'image', 'inspect', 'web:1').stdout);
    assert.equal(insp[0].Id, id);
    assert.deepEqual(insp[0].Config.Labels, { tier: 'web' });

    const missing = berth(t.path, 'image', 'rm', 'nothing:9');
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, 'no such image: nothing:9\n');
    assert.equal(berth(t.path, '--dry-run', 'image', 'prune', '-a').stdout, `Would delete: ${id}\n`);
    assert.match(berth(t.path, '--dry-run', 'image', 'rm', 'web:1').stdout, /^Would remove: web:1/);
    assert.equal(berth(t.path, 'image', 'ls', '-q').stdout, `${id.slice(7, 19)}\n`, 'dry runs change nothing');
    assert.equal(berth(t.path, 'image', 'rm', 'web:1').stdout, 'Untagged: web:1\n');
    const last = berth(t.path, 'image', 'rmi', 'registry.test:5000/team/web:2');
    assert.equal(last.status, 0, last.stderr);
    assert.equal(last.stdout, `Untagged: registry.test:5000/team/web:2\nDeleted: ${id}\n`);
    assert.equal(berth(t.path, 'image', 'ls', '-q').stdout, '');

    // errors leave nothing behind
    const out = join(t.path, 'out.tar');
    const save = berth(t.path, 'image', 'save', '-o', out, 'ghost:1');
    assert.equal(save.status, 1);
    assert.equal(save.stderr, 'no such image: ghost:1\n');
    assert.deepEqual(readdirSync(t.path).filter((n) => n.includes('out.tar')), []);
    const load = berth(t.path, 'image', 'load', '-i', join(t.path, 'missing.tar'));
    assert.equal(load.status, 1);
    assert.equal(load.stderr.split('\n').length, 2, load.stderr);
    const bad = berth(t.path, 'image', 'tag', 'web:1', 'UPPER/case');
    assert.equal(bad.status, 1);
  } finally { t.cleanup(); }
});
