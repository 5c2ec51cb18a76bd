// Building images offline from the busybox base: a multi-stage build with
// COPY --from, .dockerignore, a whiteout, ARG/ENV substitution, USER and
// WORKDIR seen in the running container; the cache (a full hit, then a miss
// from the edited file's step on); `up --build web` rebuilding and
// recreating web alone; bad input naming the Dockerfile line with no image made.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, shortId } from '../../helpers/env.js';
import { makeWorld, ps, teardown } from './harness.js';

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG BASE=berth-examples/busybox:latest
FROM $BASE AS builder
ARG GREETING=hello
WORKDIR /src
COPY app/*.txt ./
RUN echo "$GREETING from builder" > out.txt && mkdir -p /gone && touch /gone/x

FROM \${BASE} AS final
ENV APP_HOME=/srv/app \\
    MODE=dev
WORKDIR \${APP_HOME}
COPY --from=builder /src/out.txt ./
COPY app/main.sh ./
RUN rm /bin/vi && adduser -D -u 1234 appuser 2>/dev/null || echo 'appuser:x:1234:1234::/home:/bin/sh' >> /etc/passwd
USER 1234
LABEL tier=web
CMD ["sh", "/srv/app/main.sh"]
`;

test('multi-stage build, cache, up --build, errors', { skip: !isRoot, timeout: 180_000 }, (t) => {
  const w = makeWorld();
  const project = `bd${shortId(6)}`;
  const dir = join(w.root, 'proj');
  mkdirSync(join(dir, 'web/app'), { recursive: true });
  writeFileSync(join(dir, 'web/Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'web/app/main.sh'), 'cat /srv/app/out.txt; id -u; pwd; sleep 300\n');
  writeFileSync(join(dir, 'web/app/secret.env'), 'TOKEN=x\n');
  writeFileSync(join(dir, 'web/app/name.txt'), 'web\n');
  writeFileSync(join(dir, 'web/.dockerignore'), '*.env\n');
  writeFileSync(join(dir, 'compose.yaml'), `services:
  web:
    build:
      context: ./web
      args: {GREETING: hi}
    init: true
  side:
    build:
      dockerfile_inline: |
        FROM berth-examples/busybox:latest
        RUN echo side > /side.txt
        CMD ["sleep", "300"]
    init: true
`);
  const base = ['-p', project, '-f', join(dir, 'compose.yaml')];
  t.after(() => teardown(w, base));

  const first = w.ok([...base, 'build']);
  assert.match(first, /#\d+ \[builder 5\/5\] RUN echo "\$GREETING from builder"/);
  assert.doesNotMatch(first, /CACHED/);
  const again = w.ok([...base, 'build', 'web']);
  assert.equal((again.match(/CACHED/g) ?? []).length, 5, `every filesystem step is cached:\n${again}`);
  const id1 = w.ok(['image', 'inspect', `${project}-web`]);

  w.ok([...base, 'up', '-d']);
  const exec = (svc: string, cmd: string) => w.ok([...base, 'exec', '-T', svc, 'sh', '-c', cmd]).trim();
  assert.equal(exec('web', 'cat out.txt; id -u; pwd'), 'hi from builder\n1234\n/srv/app');
  assert.equal(exec('web', 'ls /bin/vi /gone 2>&1 | grep -c "No such file"'), '2', 'whiteout of /bin/vi; /gone only in the builder stage');
  assert.equal(exec('web', 'ls /srv/app'), 'main.sh\nout.txt');
  assert.equal(exec('web', 'echo $MODE:$APP_HOME'), 'dev:/srv/app');
  assert.equal(exec('side', 'cat /side.txt'), 'side');
  const hist = w.ok(['image', 'history', '--no-trunc', `${project}-web`]);
  assert.match(hist, /COPY --from=builder \/src\/out.txt \.\//);

  // .dockerignore kept secret.env out; an edit of main.sh rebuilds from its COPY on.
  assert.match(w.berth([...base, 'exec', '-T', 'web', 'ls', '/srv/app/secret.env']).stderr + '', /No such file|exit|not/i);
  const ids = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  writeFileSync(join(dir, 'web/app/main.sh'), 'echo edited; sleep 300\n');
  const rebuilt = w.ok([...base, 'up', '-d', '--build', 'web']);
  const cached = (text: string, step: string) => {
    const n = new RegExp(`#(\\d+) \\[[^\\]]*\\] ${step}`).exec(text)?.[1];
    assert.ok(n, `step ${step} in:\n${text}`);
    return new RegExp(`#${n} CACHED`).test(text);
  };
  assert.ok(cached(rebuilt, 'COPY --from=builder'), 'the step before the edited file is cached');
  assert.ok(!cached(rebuilt, 'COPY app/main.sh'), 'the step reading the edited file runs again');
  const after = Object.fromEntries(ps(w, base).map((c) => [c.Service, c.ID]));
  assert.notEqual(after.web, ids.web, 'web recreated with its new image');
  assert.equal(after.side, ids.side, 'side untouched');
  assert.notEqual(w.ok(['image', 'inspect', `${project}-web`]), id1);

  // Bad input: the line is named, and no image is made.
  const images = w.ok(['image', 'ls', '-q']);
  const bad = (text: string, re: RegExp) => {
    writeFileSync(join(dir, 'bad.Dockerfile'), text);
    const r = w.berth(['image', 'build', '-t', 'bad:1', '-f', join(dir, 'bad.Dockerfile'), join(dir, 'web')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, re);
  };
  bad('FROM berth-examples/busybox:latest\nFOO bar\n', /bad.Dockerfile:2:1: unknown instruction: FOO/);
  bad('FROM berth-examples/busybox:latest\nCOPY nope.txt /\n', /bad.Dockerfile:2:1: COPY failed: "nope.txt": not found in the build context/);
  bad('FROM berth-examples/busybox:latest\nCOPY ../../etc/passwd /\n', /bad.Dockerfile:2:1: COPY failed: "..\/..\/etc\/passwd" is outside the build context/);
  bad('FROM berth-examples/busybox:latest\n\nRUN echo failing-output; exit 3\n', /failing-output[\s\S]*bad.Dockerfile:3:1: RUN echo failing-output; exit 3: process .* exit code: 3/);
  bad('FROM berth-examples/busybox:latest\nCOPY --from=nostage /x /x\n', /bad.Dockerfile:2:1: COPY --from=nostage: no stage named nostage/);
  bad('FROM berth-examples/busybox:latest\nARG NEED\nRUN echo ${NEED:?the build arg NEED is required}\n', /.*/);
  bad('FROM berth-examples/busybox:latest\nARG NEED\nWORKDIR ${NEED:?is required}\n', /bad.Dockerfile:3:1: WORKDIR: NEED: is required/);
  assert.equal(w.ok(['image', 'ls', '-q']), images, 'no image was made by a failed build');
});
