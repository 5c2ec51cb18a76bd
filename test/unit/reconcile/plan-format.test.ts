import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlan, planToJson } from '../../../src/reconcile/plan.js';
import { reconcile } from '../../../src/reconcile/reconcile.js';
import { containerLabels, fromLabels, networkLabels } from '../../../src/reconcile/labels.js';
import { observe } from '../../../src/reconcile/actual.js';
import { loadActual, loadDesired } from './golden-case.js';

const desired = loadDesired({ services: [{ name: 'db' }, { name: 'web', dependsOn: { db: 'service_healthy' } }] });

test('the --dry-run text has no ids, one line per action, reasons in parentheses', () => {
  const actual = loadActual({ networks: ['demo_default'], containers: [{ name: 'demo-web-1', configHash: 'old' }, 'demo-db-1', 'demo-gone-1'] }, desired);
  assert.equal(formatPlan(reconcile(desired, actual)), [
    'Container demo-web-1  Recreate  (config hash changed)',
    'Service db  Wait  (service_healthy for web)',
    'Container demo-web-1  Start',
    'Container demo-db-1  Running',
    'warning: found orphan containers ([demo-gone-1]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.',
    '',
  ].join('\n'));
});

test('the JSON form carries ids, dependencies and verbs', () => {
  const plan = reconcile(desired, loadActual({}, desired));
  const json = JSON.parse(JSON.stringify(planToJson(plan))) as { project: string; actions: Array<{ id: number; kind: string; verb: string; after: number[]; name: string }> };
  assert.equal(json.project, 'demo');
  assert.deepEqual(json.actions.map((a) => `${a.id}:${a.kind}:${a.verb}:${a.name}:${a.after.join(',')}`), [
    '1:network.create:Create:demo_default:',
    '2:container.create:Create:demo-db-1:1',
    '3:container.start:Start:demo-db-1:2',
    '4:container.create:Create:demo-web-1:1,2',
    '5:service.wait:Wait:db:3',
    '6:container.start:Start:demo-web-1:4,5',
  ]);
});

test('labels round-trip and observe keeps only the project, in a stable order', async () => {
  const labels = containerLabels('demo', 'web', 2, 'abc');
  assert.deepEqual(fromLabels({ id: 'i1', name: 'demo-web-2', labels, status: 'running' }), {
    id: 'i1', name: 'demo-web-2', project: 'demo', service: 'web', number: 2, configHash: 'abc', status: 'running',
    exitCode: undefined, health: undefined, imageId: undefined, oneoff: false,
  });
  assert.equal(fromLabels({ id: 'i2', name: 'x', labels: {}, status: 'running' }), undefined);
  assert.equal(fromLabels({ id: 'i3', name: 'r', labels: containerLabels('demo', 'web', 1, 'h', true), status: 'exited' })?.oneoff, true);
  const all = [
    fromLabels({ id: 'b', name: 'demo-web-2', labels, status: 'running' })!,
    fromLabels({ id: 'a', name: 'demo-web-1', labels: containerLabels('demo', 'web', 1, 'abc'), status: 'running' })!,
    fromLabels({ id: 'c', name: 'other-web-1', labels: containerLabels('other', 'web', 1, 'abc'), status: 'running' })!,
  ];
  const state = await observe('demo', {
    containers: () => all,
    networks: async () => [{ name: 'demo_default', labels: networkLabels('demo', 'default'), driver: 'bridge', config: {} }],
    volumes: () => [],
    images: () => [],
  });
  assert.deepEqual(state.containers.map((c) => c.name), ['demo-web-1', 'demo-web-2']);
  assert.equal(state.networks.length, 1);
});

test('progress events as plain lines and JSON lines', async () => {
  const { plainEvent, jsonEvent } = await import('../../../src/reconcile/progress-text.js');
  assert.equal(plainEvent({ actionId: 1, resource: 'Container', id: 'demo-web-1', status: 'Starting', elapsed: 0 }), 'Container demo-web-1  Starting');
  assert.equal(plainEvent({ actionId: 1, resource: 'Container', id: 'demo-web-1', status: 'Started', elapsed: 420 }), 'Container demo-web-1  Started  0.4s');
  assert.equal(plainEvent({ actionId: 1, resource: 'Container', id: 'demo-web-1', status: 'Error', elapsed: 50, message: 'web: start: boom' }), 'Container demo-web-1  Error  0.1s  web: start: boom');
  assert.deepEqual(JSON.parse(jsonEvent({ actionId: 2, resource: 'Network', id: 'demo_default', status: 'Created', elapsed: 12 }, new Date(0))),
    { time: '1970-01-01T00:00:00.000Z', resource: 'Network', id: 'demo_default', status: 'Created', elapsed: 12 });
});

test('down without a compose file removes what the project labelled, and nothing else', async () => {
  const { desiredFromState } = await import('../../../src/reconcile/from-state.js');
  const { planDown } = await import('../../../src/reconcile/lifecycle.js');
  const { formatPlan: fmt } = await import('../../../src/reconcile/plan.js');
  const actual = loadActual({
    containers: ['demo-web-1', { name: 'demo-db-1', status: 'exited' }],
    networks: [{ name: 'demo_default', labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.network': 'default' } }, { name: 'other_default', labels: { 'com.docker.compose.project': 'other' } }, { name: 'shared', labels: {} }],
    volumes: [{ name: 'demo_data', labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data' } }, { name: 'precious', labels: {} }],
  }, loadDesired({ services: [] }));
  const desired = desiredFromState('demo', actual);
  assert.equal(fmt(planDown(desired, actual, { removeVolumes: true })), [
    'Container demo-web-1  Stop',
    'Container demo-web-1  Remove  (with anonymous volumes)',
    'Container demo-db-1  Remove  (with anonymous volumes)',
    'Network demo_default  Remove',
    'Volume demo_data  Remove',
    '',
  ].join('\n'));
});
