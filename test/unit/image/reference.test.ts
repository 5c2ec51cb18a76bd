import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, formatReference, parseReference } from '../../../src/image/reference.js';
import { applyChanges } from '../../../src/image/changes.js';
import { chainIds, sha256 } from '../../../src/image/digest.js';
import { selectManifest } from '../../../src/image/platform.js';

const norm = (s: string) => formatReference(parseReference(s));
const D = 'sha256:' + 'a'.repeat(64);

test('Docker reference normalization', () => {
  assert.equal(norm('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(norm('library/busybox:1.36'), 'docker.io/library/busybox:1.36');
  assert.equal(norm('index.docker.io/user/app'), 'docker.io/user/app:latest');
  assert.equal(norm('localhost/app'), 'localhost/app:latest');
  assert.equal(norm('127.0.0.1:5000/a/b/c:v1'), '127.0.0.1:5000/a/b/c:v1');
  assert.equal(norm(`registry.local:5000/app@${D}`), `registry.local:5000/app@${D}`);
  assert.equal(norm(`app:v2@${D}`), `docker.io/library/app:v2@${D}`);
  assert.equal(familiarName('docker.io/library/busybox'), 'busybox');
  assert.equal(familiarName('docker.io/user/app'), 'user/app');
  assert.equal(familiarName('localhost:5000/app'), 'localhost:5000/app');
});

test('bad references are rejected with a clear message', () => {
  assert.throws(() => parseReference('Busybox'), /must be lowercase/);
  assert.throws(() => parseReference('a//b'), /invalid reference format/);
  assert.throws(() => parseReference('app:bad tag'), /bad tag/);
  assert.throws(() => parseReference('app@sha256:123'), /digest/);
  assert.throws(() => parseReference(''), /invalid reference/);
});

test('chain IDs follow the OCI definition', () => {
  const a = sha256('a'), b = sha256('b');
  assert.deepEqual(chainIds([a, b]), [a, sha256(`${a} ${b}`)]);
});

test('--change instructions', () => {
  const c = applyChanges({}, ['CMD ["sh"]', 'ENTRYPOINT /init --x', 'ENV A=1 B="two words"', 'ENV A=3', 'WORKDIR /srv', 'EXPOSE 80 53/udp', 'LABEL k=v', 'USER 1000:1000']);
  assert.deepEqual(c.Cmd, ['sh']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/init --x']);
  assert.deepEqual(c.Env, ['A=3', 'B=two words']);
  assert.equal(c.WorkingDir, '/srv');
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Labels, { k: 'v' });
  assert.equal(c.User, '1000:1000');
  assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /not supported/);
  assert.throws(() => applyChanges({}, ['CMD ["sh"']), /JSON array/);
});

test('platform selection from an index', () => {
  const index = { schemaVersion: 2, manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D, size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + 'b'.repeat(64), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
  ] };
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'amd64' }).digest, 'sha256:' + 'b'.repeat(64));
  assert.equal(selectManifest(index, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, D);
  assert.throws(() => selectManifest(index, { os: 'linux', architecture: 's390x' }), /no image for platform linux\/s390x \(available: linux\/arm64\/v8, linux\/amd64\)/);
});
