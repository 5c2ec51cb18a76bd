// `berth image build` alone (no project): FROM scratch, ADD of a local tar
// archive, COPY heredocs, .dockerignore exceptions, ONBUILD triggers, a
// symlink in the context that points out of it, SHELL and HEALTHCHECK in the
// config, a Dockerfile from stdin, and the image saved as an archive.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { berthBin, isRoot, repoRoot, tempDir } from '../../helpers/env.js';

const APP = (withLink: boolean) => `FROM scratch AS files
COPY data/ /data/
ADD pkg.tar.gz /opt/
COPY <<EOF /etc/motd
hello
EOF

FROM test/base:1
COPY --from=files / /
${withLink ? 'COPY outside /outside-copy\n' : ''}SHELL ["/bin/sh", "-eu", "-c"]
HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
RUN test "$(cat /onbuild.txt)" = triggered
RUN test -f /data/a.txt && test -f /data/keep/k.txt && ! test -e /data/drop.tmp && ! test -e /data/keep/other.txt
RUN test "$(cat /opt/pkg/lib.txt)" = lib && test "$(cat /etc/motd)" = hello
`;

test('image build: scratch, ADD tar, heredoc, .dockerignore, ONBUILD, stdin', { skip: !isRoot, timeout: 120_000 }, (t) => {
  const dir = tempDir('berth-imgbuild-');
  t.after(dir.cleanup);
  const root = join(dir.path, 'root');
  const env = { ...process.env, BERTH_ROOT: root };
  const made = spawnSync('bash', [join(repoRoot, 'scripts/make-base-images.sh'), '--root', root], { env, encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const berth = (args: string[], input?: string) => spawnSync(berthBin, args, { env, encoding: 'utf8', input, timeout: 60_000 });
  const ok = (args: string[], input?: string) => {
    const r = berth(args, input);
    assert.equal(r.status, 0, `berth ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
  };
  const ctx = join(dir.path, 'ctx');
  mkdirSync(join(ctx, 'data/keep'), { recursive: true });
  writeFileSync(join(ctx, 'data/a.txt'), 'a\n');
  writeFileSync(join(ctx, 'data/keep/k.txt'), 'k\n');
  writeFileSync(join(ctx, 'data/keep/other.txt'), 'o\n');
  writeFileSync(join(ctx, 'data/drop.tmp'), 'x\n');
  writeFileSync(join(ctx, '.dockerignore'), 'data/**/*.tmp\ndata/keep\n!data/keep/k.txt\n');
  symlinkSync('/etc/hostname', join(ctx, 'outside'));
  const tarDir = join(dir.path, 'tarsrc');
  mkdirSync(join(tarDir, 'pkg'), { recursive: true });
  writeFileSync(join(tarDir, 'pkg/lib.txt'), 'lib\n');
  assert.equal(spawnSync('tar', ['-czf', join(ctx, 'pkg.tar.gz'), '-C', tarDir, 'pkg']).status, 0);

  writeFileSync(join(ctx, 'Dockerfile.base'), 'FROM berth-examples/busybox:latest\nONBUILD RUN echo triggered > /onbuild.txt\n');
  ok(['image', 'build', '-q', '-t', 'test/base:1', '-f', 'Dockerfile.base', ctx]);

  // The symlink points out of the context: it resolves inside it, where there is no etc/hostname.
  writeFileSync(join(ctx, 'Dockerfile'), APP(true));
  const escape = berth(['image', 'build', '-t', 'test/app:1', ctx]);
  assert.notEqual(escape.status, 0);
  assert.match(escape.stderr, /Dockerfile:10:1: COPY failed: "outside": not found in the build context/);

  writeFileSync(join(ctx, 'Dockerfile'), APP(false));
  const id = ok(['image', 'build', '-q', '-t', 'test/app:1', ctx]);
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const inspect = JSON.parse(ok(['image', 'inspect', 'test/app:1']))[0];
  assert.deepEqual(inspect.Config.Shell, ['/bin/sh', '-eu', '-c']);
  assert.deepEqual(inspect.Config.Healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 });
  assert.ok(!inspect.Config.OnBuild?.length, 'triggers are not inherited');

  const fromStdin = ok(['image', 'build', '-q', '-t', 'test/stdin:1', '-'], 'FROM test/app:1\nRUN test -f /data/a.txt\nLABEL from=stdin\n');
  assert.match(fromStdin, /^sha256:/);
  ok(['image', 'save', '-o', join(dir.path, 'out.tar'), 'test/stdin:1']);
});
