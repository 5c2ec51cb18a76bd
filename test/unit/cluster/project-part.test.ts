// A node's part of a cluster project: the services placed on it, with their
// dependencies on other nodes taken out of depends_on and held back until the
// other nodes' published rows meet the condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DependsOn, Project, Service } from '../../../src/compose/model.js';
import { conditionMet, partFor, readyServices, type ClusterProject, type ClusterRow } from '../../../src/cluster/project-part.js';

const svc = (deps: Record<string, DependsOn['condition']> = {}): Service =>
  ({ image: 'busybox', ...(Object.keys(deps).length ? { depends_on: Object.fromEntries(Object.entries(deps).map(([d, condition]) => [d, { condition, required: true }])) } : {}) } as Service);

const project = (services: Record<string, Service>): Project => ({
  name: 'p', services, networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {}, workingDir: '/', composeFiles: [], environment: {}, profiles: [], disabledServices: [], warnings: [],
});

const cp: ClusterProject = {
  name: 'p', updated: 't1',
  project: project({ db: svc(), api: svc({ db: 'service_healthy', cache: 'service_started' }), cache: svc(), web: svc({ api: 'service_started' }), job: svc({ db: 'service_completed_successfully' }) }),
  placement: { db: 'n1', api: 'n2', cache: 'n2', web: 'n2', job: 'n3' },
};

const row = (service: string, State: string, extra: Partial<ClusterRow> = {}): ClusterRow => ({
  ID: service, Name: `p-${service}-1`, Image: 'busybox', Command: '', Project: 'p', Service: service, Number: 1, Created: 0,
  State, Health: '', ExitCode: 0, Publishers: [], Labels: {}, Node: 'n1', ...extra,
});

test('partFor keeps the services of the node and only their local dependencies', () => {
  const part = partFor(cp, 'n2');
  assert.deepEqual(Object.keys(part.services).sort(), ['api', 'cache', 'web']);
  assert.deepEqual(Object.keys(part.services.api!.depends_on!), ['cache']);
  assert.deepEqual(Object.keys(part.services.web!.depends_on!), ['api']);
  assert.equal(partFor(cp, 'n3').services.job!.depends_on, undefined);
  assert.deepEqual(Object.keys(partFor(cp, 'n9').services), []);
  assert.ok(cp.project.services.api!.depends_on!.db, 'the desired project itself is left as it was');
});

test('conditions read from the published rows', () => {
  const started = { condition: 'service_started', required: true } as const;
  const healthy = { condition: 'service_healthy', required: true } as const;
  const done = { condition: 'service_completed_successfully', required: true } as const;
  assert.equal(conditionMet([], 'db', started), false);
  assert.equal(conditionMet([row('db', 'created')], 'db', started), false);
  assert.equal(conditionMet([row('db', 'running')], 'db', started), true);
  assert.equal(conditionMet([row('db', 'running', { Health: 'starting' })], 'db', healthy), false);
  assert.equal(conditionMet([row('db', 'running', { Health: 'healthy' })], 'db', healthy), true);
  assert.equal(conditionMet([row('db', 'exited', { ExitCode: 1 })], 'db', done), false);
  assert.equal(conditionMet([row('db', 'exited')], 'db', done), true);
  // Every replica must meet it.
  assert.equal(conditionMet([row('db', 'running'), row('db', 'created', { Number: 2 })], 'db', started), false);
});

test('services wait for their own and their local dependencies\' remote conditions', () => {
  let r = readyServices(cp, 'n2', []);
  assert.deepEqual(r.ready, ['cache']);
  assert.deepEqual([...r.waiting], [['api', ['db (service_healthy on node n1)']], ['web', ['db (service_healthy on node n1)']]]);
  r = readyServices(cp, 'n2', [row('db', 'running', { Health: 'starting' })]);
  assert.deepEqual(r.ready, ['cache']);
  r = readyServices(cp, 'n2', [row('db', 'running', { Health: 'healthy' })]);
  assert.deepEqual(r.ready, ['api', 'cache', 'web']);
  assert.equal(r.waiting.size, 0);
  assert.deepEqual(readyServices(cp, 'n1', []).ready, ['db']);
  assert.deepEqual([...readyServices(cp, 'n3', [row('db', 'running')]).waiting], [['job', ['db (service_completed_successfully on node n1)']]]);
});
