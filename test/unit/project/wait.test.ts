import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActualContainer } from '../../../src/reconcile/actual.js';
import { conditionMet } from '../../../src/project/wait.js';

const c = (over: Partial<ActualContainer>): ActualContainer => ({
  id: 'x', name: 'demo-db-1', project: 'demo', service: 'db', number: 1, configHash: 'h', status: 'running', oneoff: false, ...over,
});

test('service_started: met once no container is merely created', () => {
  assert.equal(conditionMet('service_started', [c({ status: 'created' })], false), undefined);
  assert.equal(conditionMet('service_started', [c({})], false), true);
  assert.equal(conditionMet('service_started', [c({ status: 'exited', exitCode: 1 })], false), true);
  assert.equal(conditionMet('service_started', [], false), 'no container');
});

test('service_healthy: waits while starting, fails when unhealthy, exited or without a healthcheck', () => {
  assert.equal(conditionMet('service_healthy', [c({ health: 'starting' })], true), undefined);
  assert.equal(conditionMet('service_healthy', [c({ health: 'healthy' })], true), true);
  assert.equal(conditionMet('service_healthy', [c({ health: 'unhealthy' })], true), 'container demo-db-1 is unhealthy');
  assert.equal(conditionMet('service_healthy', [c({ status: 'exited', exitCode: 2 })], true), 'container demo-db-1 exited (2)');
  assert.equal(conditionMet('service_healthy', [c({})], false), 'container demo-db-1 has no healthcheck configured');
});

test('service_completed_successfully: exit 0 of every replica', () => {
  assert.equal(conditionMet('service_completed_successfully', [c({})], false), undefined);
  assert.equal(conditionMet('service_completed_successfully', [c({ status: 'exited', exitCode: 0 })], false), true);
  assert.equal(conditionMet('service_completed_successfully', [c({ status: 'exited', exitCode: 0 }), c({ name: 'demo-db-2', status: 'exited', exitCode: 3 })], false), 'container demo-db-2 exited (3)');
});

test('a container between two runs of its restart policy meets no condition yet, whatever its last health', () => {
  assert.equal(conditionMet('service_started', [c({ status: 'restarting' })], false), undefined);
  assert.equal(conditionMet('service_healthy', [c({ status: 'restarting', health: 'healthy' })], true), undefined);
  assert.equal(conditionMet('service_healthy', [c({ status: 'restarting', health: 'unhealthy' })], true), undefined);
  assert.equal(conditionMet('service_completed_successfully', [c({ status: 'restarting', exitCode: 0 })], false), undefined);
});
