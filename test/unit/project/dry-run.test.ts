import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { berthBin, repoRoot, tempDir } from '../../helpers/env.js';

const berth = (root: string, args: string[]) => spawnSync(berthBin, ['--root', root, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, BERTH_ROOT: '' } });

test('--dry-run up prints the plan of the quickstart and creates nothing', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const r = berth(d.path, ['-p', 'dry', '-f', join(repoRoot, 'examples/quickstart/compose.yaml'), '--dry-run', 'up', '-d']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Network dry_default {2}Create$/m);
  assert.match(r.stdout, /^Volume dry_data {2}Create$/m);
  assert.match(r.stdout, /^Image berth-examples\/busybox:latest {2}Pull {2}\(image not present\)$/m);
  assert.match(r.stdout, /^Service api {2}Wait {2}\(service_healthy for web\)$/m);
  for (const s of ['api', 'web', 'worker']) assert.match(r.stdout, new RegExp(`^Container dry-${s}-1  Start$`, 'm'));
  const made = (() => { try { return readdirSync(join(d.path, 'containers')); } catch { return []; } })();
  assert.deepEqual(made, []);
});

test('down -p NAME without a compose file: nothing to do for an unknown project', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const r = spawnSync(berthBin, ['--root', d.path, '-p', 'ghost', '--dry-run', 'down'], { cwd: d.path, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'Nothing to do\n');
});

test('up with an undefined --scale service is one clear error', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const r = berth(d.path, ['-p', 'dry', '-f', join(repoRoot, 'examples/quickstart/compose.yaml'), '--dry-run', 'up', '--scale', 'nope=2']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, '--scale: no such service: nope\n');
});

test('up refuses a service asking for GPUs by name, before planning anything (gpus: all and reserved devices)', (t) => {
  const d = tempDir();
  t.after(d.cleanup);
  const cases: Array<[string, string]> = [
    ['    gpus: all\n', 'gpus'],
    ['    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n', 'deploy.resources.reservations.devices'],
  ];
  for (const [body, key] of cases) {
    writeFileSync(join(d.path, 'compose.yaml'), `services:\n  ok:\n    image: busybox\n  ml:\n    image: busybox\n${body}`);
    const r = berth(d.path, ['-p', 'gpu', '-f', join(d.path, 'compose.yaml'), '--dry-run', 'up', '-d']);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `service "ml": ${key}: GPUs and other device requests are not supported by berth; pass device nodes with "devices:" instead\n`);
    assert.equal(r.stdout, '');
  }
  // run refuses it the same way.
  const one = berth(d.path, ['-p', 'gpu', '-f', join(d.path, 'compose.yaml'), '--dry-run', 'run', '--rm', 'ml', 'true']);
  assert.equal(one.status, 1);
  assert.match(one.stderr, /^service "ml": deploy\.resources\.reservations\.devices: GPUs and other device requests are not supported by berth/);
  // The other services still start on their own.
  const r = berth(d.path, ['-p', 'gpu', '-f', join(d.path, 'compose.yaml'), '--dry-run', 'up', '-d', 'ok']);
  assert.equal(r.status, 0, r.stderr);
});
