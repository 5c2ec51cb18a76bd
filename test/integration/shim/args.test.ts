// berth-shim arguments: every bad one is one error line on fd 3 (and
// stderr), exit status 2, and nothing created. Needs no root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir } from '../../helpers/env.js';
import { runcBin, shimBin } from './harness.js';

describe('berth-shim arguments', { skip: !existsSync(shimBin) ? 'berth-shim not built' : false }, () => {
  const t = tempDir('berth-shim-args-');
  after(() => t.cleanup());
  const bundle = join(t.path, 'bundle');
  mkdirSync(bundle);
  writeFileSync(join(bundle, 'config.json'), '{}');
  const state = join(t.path, 'state');

  function run(extra: string[], replace: Record<string, string | null> = {}) {
    const opts: Record<string, string | null> = {
      '--id': 'c1', '--bundle': bundle, '--state-dir': state, '--socket': join(t.path, 's.sock'),
      '--runtime': runcBin, '--log-path': join(t.path, 'log'), ...replace,
    };
    const argv = Object.entries(opts).flatMap(([k, v]) => (v === null ? [] : [k, v])).concat(extra);
    const r = spawnSync(shimBin, argv, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    return { status: r.status, report: String(r.output[3]), stderr: String(r.output[2]) };
  }

  function health(obj: unknown): string {
    const p = join(t.path, `health-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj));
    return p;
  }

  const cases: [string, string[], Record<string, string | null>, RegExp][] = [
    ['a missing option', [], { '--id': null }, /^error missing required option --id\n$/],
    ['an id that could escape', [], { '--id': '../etc' }, /^error --id \.\.\/etc: use 1-128 characters of \[A-Za-z0-9_.-\]\n$/],
    ['an unknown option', ['--frobnicate'], {}, /^error unknown or incomplete option --frobnicate\n$/],
    ['an option without its value', ['--restart'], {}, /^error unknown or incomplete option --restart\n$/],
    ['a stray argument', ['extra'], {}, /^error unexpected argument extra\n$/],
    ['a bad restart policy', ['--restart', 'on-failure:x'], {}, /^error --restart on-failure:x: bad maximum retry count\n$/],
    ['a bad log-max-file', ['--log-max-file', '0'], {}, /^error --log-max-file 0: expected 1\.\.1000\n$/],
    ['a bad log-max-size', ['--log-max-size', '10m'], {}, /^error --log-max-size 10m: not a byte count\n$/],
    ['an unknown stop signal', ['--stop-signal', 'SIGNOPE'], {}, /^error --stop-signal SIGNOPE: unknown signal\n$/],
    ['a bad stop timeout', ['--stop-timeout', '-1'], {}, /^error --stop-timeout -1: not a number of seconds\n$/],
    ['a socket path too long', [], { '--socket': '/tmp/' + 'x'.repeat(120) }, /^error --socket \/tmp\/x+: longer than a unix socket path allows\n$/],
    ['a missing bundle', [], { '--bundle': join(t.path, 'nope') }, /^error bundle .*\/nope: No such file or directory\n$/],
    ['a missing runtime', [], { '--runtime': '/nonexistent/runc' }, /^error runtime \/nonexistent\/runc: No such file or directory\n$/],
  ];
  for (const [what, extra, replace, want] of cases) {
    test(`rejects ${what}`, () => {
      const r = run(extra, replace);
      assert.equal(r.status, 2);
      assert.match(r.report, want);
      assert.equal(r.stderr, `berth-shim: ${r.report.slice(6)}`);
      assert.equal(existsSync(state), false, 'nothing created');
    });
  }

  const healthCases: [string, unknown, RegExp][] = [
    ['not JSON', 'test: [CMD, true]', /: not a JSON object\n$/],
    ['an unknown test kind', { test: ['SHELL', 'true'] }, /health: test must start with NONE, CMD or CMD-SHELL, not SHELL\n$/],
    ['CMD without a command', { test: ['CMD'] }, /health: CMD needs a command\n$/],
    ['a test that is not strings', { test: ['CMD', 1] }, /health: test must be an array of at most 63 strings\n$/],
    ['a negative interval', { test: ['CMD', 'true'], interval_ns: -5 }, /health: interval_ns must be a non-negative number\n$/],
  ];
  for (const [what, obj, want] of healthCases) {
    test(`rejects a health file with ${what}`, () => {
      const r = run(['--health', health(obj)]);
      assert.equal(r.status, 2);
      assert.match(r.report, /^error /);
      assert.match(r.report, want);
      assert.equal(existsSync(state), false, 'nothing created');
    });
  }

  test('accepts signal names, numbers and real-time signals', () => {
    // A missing bundle is reported after the signal is parsed: the signal was accepted.
    for (const sig of ['SIGTERM', 'term', '15', 'SIGRTMIN+3', 'RTMAX-2', 'SIGRTMIN']) {
      const r = run(['--stop-signal', sig], { '--bundle': join(t.path, 'nope') });
      assert.match(r.report, /^error bundle /, sig);
    }
    for (const sig of ['SIGRTMIN+99', 'RTMIN-1', '0', '65', 'SIG']) {
      assert.match(run(['--stop-signal', sig]).report, /unknown signal/, sig);
    }
  });

  test('--version', () => {
    const r = spawnSync(shimBin, ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^berth-shim \d+\.\d+\.\d+\n$/);
  });
});
