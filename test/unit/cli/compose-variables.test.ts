// docker compose's CLI variables: COMPOSE_PROGRESS and COMPOSE_ANSI stand in
// for their flags (the flag wins), COMPOSE_ENV_FILES for --env-file,
// COMPOSE_DISABLE_ENV_FILE turns the project's .env off; bad values are one
// usage line naming the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthBin, tempDir } from '../../helpers/env.js';

function berth(dir: string, env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_') && k !== 'NO_COLOR'));
  return spawnSync(process.execPath, [berthBin, '--root', join(dir, 'root'), ...args], { encoding: 'utf8', cwd: dir, env: { ...clean, ...env } });
}

function project(t: { after(fn: () => void): void }) {
  const d = tempDir();
  t.after(d.cleanup);
  writeFileSync(join(d.path, 'compose.yaml'), 'services:\n  a:\n    image: busybox:${TAG:-none}\n');
  writeFileSync(join(d.path, '.env'), 'TAG=dotenv\n');
  writeFileSync(join(d.path, 'one.env'), 'TAG=one\n');
  writeFileSync(join(d.path, 'two.env'), 'TAG=two\n');
  return d.path;
}

test('COMPOSE_ENV_FILES replaces .env when no --env-file is given; COMPOSE_DISABLE_ENV_FILE skips .env', (t) => {
  const dir = project(t);
  const image = (env: Record<string, string>, ...args: string[]) => {
    const r = berth(dir, env, ...args, 'config', '--images');
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  assert.equal(image({}), 'busybox:dotenv');
  assert.equal(image({ COMPOSE_ENV_FILES: 'one.env,two.env' }), 'busybox:two');
  assert.equal(image({ COMPOSE_ENV_FILES: 'one.env' }), 'busybox:one');
  assert.equal(image({ COMPOSE_ENV_FILES: 'one.env' }, '--env-file', 'two.env'), 'busybox:two');
  assert.equal(image({ COMPOSE_DISABLE_ENV_FILE: 'true' }), 'busybox:none');
  assert.equal(image({ COMPOSE_DISABLE_ENV_FILE: '0' }), 'busybox:dotenv');
  assert.equal(image({ COMPOSE_DISABLE_ENV_FILE: '1' }, '--env-file', 'one.env'), 'busybox:one');
});

test('COMPOSE_PROGRESS chooses the progress output unless --progress does', (t) => {
  const dir = project(t);
  // A dry run prints its plan in the progress output's form: one JSON document with json, lines otherwise.
  const json = berth(dir, { COMPOSE_PROGRESS: 'json' }, '--dry-run', 'up', '-d');
  assert.equal(json.status, 0, json.stderr);
  const plan = JSON.parse(json.stdout) as { actions: Array<{ kind: string }> };
  assert.ok(plan.actions.some((a) => a.kind === 'container.create'), json.stdout);
  const plain = berth(dir, { COMPOSE_PROGRESS: 'json' }, '--progress', 'plain', '--dry-run', 'up', '-d');
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /^Network \S+_default {2}Create\n/);
});

test('bad or contradictory COMPOSE_PROGRESS and COMPOSE_ANSI values are one usage line', (t) => {
  const dir = project(t);
  const cases: Array<[Record<string, string>, string[], RegExp]> = [
    [{ COMPOSE_PROGRESS: 'fancy' }, [], /^unsupported COMPOSE_PROGRESS value "fancy" \(auto, tty, plain, quiet, json\)\n$/],
    [{ COMPOSE_ANSI: 'sometimes' }, [], /^unsupported COMPOSE_ANSI value "sometimes" \(auto, never, always\)\n$/],
    [{ COMPOSE_ANSI: 'never' }, ['--progress', 'tty'], /^can't use --progress tty while ANSI support is disabled\n$/],
    [{ NO_COLOR: '1' }, ['--progress', 'tty'], /^can't use --progress tty while ANSI support is disabled\n$/],
    [{ COMPOSE_PROGRESS: 'plain' }, ['--ansi', 'always'], /^can't use --progress plain while ANSI support is forced\n$/],
  ];
  for (const [env, args, re] of cases) {
    const r = berth(dir, env, ...args, 'config', '--services');
    assert.equal(r.status, 15, `${JSON.stringify(env)} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});
