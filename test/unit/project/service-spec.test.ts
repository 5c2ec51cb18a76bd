import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../../../src/compose/model.js';
import { hasHealthcheck, serviceSpec, type SpecParts } from '../../../src/project/service-spec.js';

const parts: SpecParts = {
  id: 'a'.repeat(64), name: 'demo-web-1', image: { ref: 'busybox:latest', id: 'sha256:' + 'b'.repeat(64), config: { Cmd: ['sh'] } },
  rootfs: { base: '/store', lower: ['l/x'] }, labels: { 'com.docker.compose.project': 'demo' }, mounts: [], network: { mode: 'host' },
};

test('serviceSpec maps durations to ns, sizes to bytes, and resources from deploy', () => {
  const s: Service = {
    command: ['httpd', '-f'], environment: { A: '1', UNSET: null }, stop_grace_period: '1m30s', mem_limit: '536870912',
    shm_size: '67108864', healthcheck: { test: ['CMD', 'true'], interval: '2s', timeout: '1s', retries: 3, start_period: '500ms' },
    deploy: { resources: { limits: { cpus: '0.5', pids: 50 }, reservations: { memory: '64m' } } }, restart: 'always',
    logging: { options: { 'max-size': '10m', 'max-file': '3' } }, labels: { mine: 'x' },
  };
  const spec = serviceSpec(s, parts);
  assert.deepEqual(spec.command, ['httpd', '-f']);
  assert.deepEqual(spec.environment, { A: '1' });
  assert.equal(spec.stopGracePeriod, 90e9);
  assert.equal(spec.memLimit, 536870912);
  assert.equal(spec.shmSize, 67108864);
  assert.equal(spec.cpus, 0.5);
  assert.equal(spec.pidsLimit, 50);
  assert.equal(spec.memReservation, 64 * 1024 * 1024);
  assert.deepEqual(spec.healthcheck, { test: ['CMD', 'true'], interval: 2e9, timeout: 1e9, retries: 3, startPeriod: 5e8, startInterval: undefined });
  assert.deepEqual(spec.logging, { maxSize: 10 * 1024 * 1024, maxFile: 3 });
  assert.equal(spec.restart, 'always');
  assert.deepEqual(spec.labels, { mine: 'x', 'com.docker.compose.project': 'demo' });
});

test('serviceSpec: an explicit empty entrypoint is kept, absent command is not', () => {
  const spec = serviceSpec({ entrypoint: [] }, parts);
  assert.deepEqual(spec.entrypoint, []);
  assert.equal('command' in spec, false);
});

test('serviceSpec: a bad duration is one clear error', () => {
  assert.throws(() => serviceSpec({ stop_grace_period: 'soon' }, parts), /stop_grace_period: invalid duration/);
});

test('hasHealthcheck: the service\'s own, else the image\'s, unless disabled', () => {
  const img = { Healthcheck: { Test: ['CMD-SHELL', 'true'] } };
  assert.equal(hasHealthcheck({}, img), true);
  assert.equal(hasHealthcheck({ healthcheck: { disable: true } }, img), false);
  assert.equal(hasHealthcheck({ healthcheck: { test: ['NONE'] } }, img), false);
  assert.equal(hasHealthcheck({}, { Healthcheck: { Test: ['NONE'] } }), false);
  assert.equal(hasHealthcheck({ healthcheck: { test: ['CMD', 'x'] } }, undefined), true);
  assert.equal(hasHealthcheck({}, {}), false);
});
