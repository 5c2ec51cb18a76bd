// A service's build: section as builder options, and what is refused before any step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Project } from '../../../src/compose/model.js';
import type { ImageStore } from '../../../src/image/image-store.js';
import { buildOptionsOf, builtImageName } from '../../../src/project/build.js';
import { statePaths } from '../../../src/state/paths.js';
import { readConfig } from '../../../src/config.js';

const project = (build: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'demo',
  services: { web: { build: { context: '/src/web', dockerfile: 'Dockerfile', ...build }, ...extra } },
  secrets: { token: { name: 'token', file: '/run/token.txt' } },
}) as unknown as Project;

const engine = { images: {} as ImageStore, paths: statePaths('/tmp/berth-unit-build-options', {}), config: readConfig({}) };

test('build section → builder options', () => {
  const o = buildOptionsOf(project({
    args: { A: '1', UNSET: null }, target: 'prod', labels: { tier: 'web' }, tags: ['reg.test/web:2'], no_cache: true, network: 'none',
    extra_hosts: ['db=10.0.0.2'], shm_size: '67108864', additional_contexts: { assets: '../assets', base: 'docker-image://busybox' },
    secrets: [{ source: 'token' }],
  }), 'web', engine, { buildArgs: { B: '2' } });
  assert.equal(o.context, '/src/web');
  assert.equal(o.dockerfile, 'Dockerfile');
  assert.deepEqual(o.buildArgs, { A: '1', B: '2' });
  assert.deepEqual(o.tags, ['demo-web', 'reg.test/web:2']);
  assert.equal(o.target, 'prod');
  assert.deepEqual(o.labels, { tier: 'web' });
  assert.equal(o.noCache, true);
  assert.equal(o.network, 'none');
  assert.equal(o.shmSize, 67108864);
  assert.deepEqual(o.additionalContexts, { assets: '/src/assets', base: 'docker-image://busybox' });
  assert.deepEqual(o.secrets, { token: '/run/token.txt' });
  assert.equal(builtImageName(project({}, { image: 'my/web:dev' }), 'web'), 'my/web:dev');
  const inline = buildOptionsOf(project({ dockerfile_inline: 'FROM scratch\n' }), 'web', engine, {});
  assert.equal(inline.dockerfileText, 'FROM scratch\n');
});

test('what the builder cannot honour is refused by name', () => {
  assert.throws(() => buildOptionsOf(project({ ssh: { default: '' } }), 'web', engine, {}), /service "web": build.ssh: SSH agent forwarding is not available/);
  assert.throws(() => buildOptionsOf(project({ context: 'https://github.com/x/y.git' }), 'web', engine, {}), /build context https:\/\/github.com\/x\/y.git is a remote URL/);
  assert.throws(() => buildOptionsOf(project({ network: 'mynet' }), 'web', engine, {}), /build.network "mynet" is not supported/);
  assert.throws(() => buildOptionsOf(project({ secrets: [{ source: 'nope' }] }), 'web', engine, {}), /build secret "nope" must be defined/);
});
