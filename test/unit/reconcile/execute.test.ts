import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executePlan, PlanFailedError, type ProgressEvent } from '../../../src/reconcile/execute.js';
import { reconcile } from '../../../src/reconcile/reconcile.js';
import { planDown } from '../../../src/reconcile/lifecycle.js';
import type { ActualState } from '../../../src/reconcile/actual.js';
import { loadActual, loadDesired } from './golden-case.js';
import { FakeEngine } from './fake-drivers.js';

const stack = loadDesired({
  services: [
    { name: 'db' },
    { name: 'cache' },
    { name: 'api', dependsOn: { db: 'service_healthy' } },
    { name: 'web', dependsOn: { api: 'service_started' } },
    { name: 'worker', dependsOn: { db: 'service_healthy' } },
  ],
});
const empty: ActualState = loadActual({}, stack);

/** The fake's containers as an ActualState, so a second reconcile can run on the result. */
function observed(engine: FakeEngine): ActualState {
  return loadActual({
    networks: [...engine.networks],
    containers: [...engine.containers.values()].map((c) => ({ name: c.name, status: c.status, exitCode: c.exitCode })),
  }, stack);
}

function before(log: string[], a: string, b: string): boolean {
  const i = log.indexOf(a), j = log.indexOf(b);
  assert.ok(i >= 0, `${a} not in log`);
  assert.ok(j >= 0, `${b} not in log`);
  return i < j;
}

test('up runs every action, dependencies first, and a second plan is empty', async () => {
  const engine = new FakeEngine({ health: { db: 'healthy' } });
  const events: ProgressEvent[] = [];
  await executePlan(reconcile(stack, empty), engine, { onEvent: (e) => events.push(e) });
  assert.deepEqual([...engine.containers.values()].map((c) => `${c.name}:${c.status}`).sort(),
    ['demo-api-1:running', 'demo-cache-1:running', 'demo-db-1:running', 'demo-web-1:running', 'demo-worker-1:running']);
  assert.ok(before(engine.log, 'network create demo_default', 'create demo-db-1'));
  assert.ok(before(engine.log, 'wait db service_healthy', 'start demo-api-1'));
  assert.ok(before(engine.log, 'start demo-api-1', 'start demo-web-1'));
  const db = events.filter((e) => e.id === 'demo-db-1').map((e) => e.status);
  assert.deepEqual(db, ['Creating', 'Created', 'Starting', 'Started']);
  assert.ok(events.every((e) => e.elapsed >= 0));
  assert.ok(events.some((e) => e.resource === 'Service' && e.status === 'Healthy'));
  const again = reconcile(stack, observed(engine));
  assert.equal(again.actions.length, 0);
  assert.equal(again.unchanged.length, 5);
});

test('independent actions run in parallel, bounded by parallelism', async () => {
  const wide = loadDesired({ services: ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name })) });
  const e1 = new FakeEngine({ delay: 15 });
  await executePlan(reconcile(wide, loadActual({ networks: ['demo_default'] }, wide)), e1, { parallelism: 4 });
  assert.equal(e1.maxInFlight, 4);
  const e2 = new FakeEngine({ delay: 2 });
  await executePlan(reconcile(wide, loadActual({ networks: ['demo_default'] }, wide)), e2, { parallelism: 1 });
  assert.equal(e2.maxInFlight, 1);
  assert.equal(e2.containers.size, 6);
});

test('a failed start skips its dependents, names the cause, and lets independent services finish', async () => {
  const engine = new FakeEngine({ failStart: { db: 'exec /app/server: no such file or directory' }, health: { db: 'healthy' } });
  const err = await executePlan(reconcile(stack, empty), engine).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof PlanFailedError);
  assert.match(err.message, /^db: start: exec \/app\/server: no such file or directory \(\d+ dependent action\(s\) skipped\)$/);
  assert.equal(engine.containers.get('demo-cache-1')?.status, 'running');
  for (const s of ['api', 'web', 'worker']) assert.equal(engine.containers.get(`demo-${s}-1`)?.status, 'created');
  assert.ok(err.result.skipped.some((l) => l.startsWith('api: start: skipped because db: start: exec /app/server')));
  assert.ok(err.result.skipped.some((l) => l.startsWith('web: start: skipped because db: start')));
});

test('an unhealthy dependency stops its dependents with a clear message', async () => {
  const engine = new FakeEngine({ health: { db: 'unhealthy' } });
  await assert.rejects(executePlan(reconcile(stack, empty), engine),
    /^PlanFailedError: api: waiting for db \(service_healthy\): container demo-db-1 is unhealthy \(also worker: waiting for db \(service_healthy\): container demo-db-1 is unhealthy; 4 dependent action\(s\) skipped\)$/);
  assert.equal(engine.containers.get('demo-db-1')?.status, 'running');
  assert.equal(engine.containers.get('demo-api-1')?.status, 'created');
  assert.ok(!engine.log.includes('start demo-web-1'));
});

test('service_completed_successfully: exit 0 lets the dependent start, exit 1 stops it', async () => {
  const p = loadDesired({ services: [{ name: 'migrate' }, { name: 'app', dependsOn: { migrate: 'service_completed_successfully' } }] });
  const ok = new FakeEngine({ exitWith: { migrate: 0 } });
  await executePlan(reconcile(p, loadActual({}, p)), ok);
  assert.equal(ok.containers.get('demo-app-1')?.status, 'running');
  const bad = new FakeEngine({ exitWith: { migrate: 1 } });
  await assert.rejects(executePlan(reconcile(p, loadActual({}, p)), bad), /app: waiting for migrate \(service_completed_successfully\): container demo-migrate-1 exited with code 1/);
  assert.equal(bad.containers.get('demo-app-1')?.status, 'created');
});

test('a required: false dependency that fails is tolerated with a warning', async () => {
  const p = loadDesired({ services: [{ name: 'metrics' }, { name: 'app', dependsOn: { metrics: { condition: 'service_healthy', required: false } } }] });
  const engine = new FakeEngine({ failStart: { metrics: 'bind: address already in use' } });
  const events: ProgressEvent[] = [];
  const err = await executePlan(reconcile(p, loadActual({}, p)), engine, { onEvent: (e) => events.push(e) }).then(() => undefined, (e: unknown) => e);
  // metrics itself failed (reported), but app started anyway.
  assert.ok(err instanceof PlanFailedError);
  assert.match(err.message, /^metrics: start: bind: address already in use$/);
  assert.equal(engine.containers.get('demo-app-1')?.status, 'running');
  assert.ok(err.result.warnings.some((w) => /app: waiting for metrics .*tolerated: not required/.test(w)));
  assert.ok(events.some((e) => e.status === 'Warning'));
});

test('recreate stops the old container, moves it aside, creates the new one and removes the old', async () => {
  const p = loadDesired({ services: [{ name: 'web' }] });
  const engine = new FakeEngine();
  engine.networks.add('demo_default');
  engine.containers.set('demo-web-1', { name: 'demo-web-1', service: 'web', status: 'running' });
  const actual = loadActual({ networks: ['demo_default'], containers: [{ name: 'demo-web-1', id: 'abcdef0123456789', configHash: 'old' }] }, p);
  const plan = reconcile(p, actual);
  // The fake names containers by name; point the action at the running one.
  plan.actions.forEach((a) => { if (a.resource === 'Container') a.containerId = 'demo-web-1'; });
  await executePlan(plan, engine);
  assert.deepEqual(engine.log, ['stop demo-web-1', 'rename demo-web-1 demo-web-1_demo-web-1', 'create demo-web-1', 'remove demo-web-1_demo-web-1', 'start demo-web-1']);
  assert.equal(engine.containers.get('demo-web-1')?.status, 'running');
  assert.equal(engine.containers.size, 1);
});

test('down removes everything in reverse order', async () => {
  const engine = new FakeEngine({ health: { db: 'healthy' } });
  await executePlan(reconcile(stack, empty), engine);
  await executePlan(planDown(stack, observed(engine)), engine);
  assert.equal(engine.containers.size, 0);
  assert.equal(engine.networks.size, 0);
  const down = engine.log.slice(engine.log.lastIndexOf('start demo-web-1'));
  assert.ok(before(down, 'stop demo-web-1', 'stop demo-api-1'));
  assert.ok(before(down, 'stop demo-api-1', 'stop demo-db-1'));
  assert.ok(before(down, 'stop demo-worker-1', 'stop demo-db-1'));
  assert.ok(before(down, 'remove demo-db-1', 'network remove demo_default'));
});

test('an aborted run starts nothing new and says how to finish', async () => {
  const engine = new FakeEngine({ health: { db: 'healthy' }, delay: 5 });
  const ac = new AbortController();
  const run = executePlan(reconcile(stack, empty), engine, {
    signal: ac.signal,
    onEvent: (e) => { if (e.resource === 'Container' && e.status === 'Created') ac.abort(); },
    parallelism: 1,
  });
  await assert.rejects(run, /interrupted: the rest of the plan was not run; run the command again to finish/);
  assert.ok(!engine.log.some((l) => l.startsWith('start ')));
});

test('a plan whose action waits for a later one is refused', async () => {
  const plan = reconcile(stack, empty);
  plan.actions[0].after = [5];
  await assert.rejects(executePlan(plan, new FakeEngine()), /waits for unknown or later action 5/);
});

test('a recreate interrupted after the old container was moved aside completes without renaming again', async () => {
  const p = loadDesired({ services: [{ name: 'web' }] });
  const aside = 'abcdef012345_demo-web-1';
  const engine = new FakeEngine();
  engine.networks.add('demo_default');
  engine.containers.set(aside, { name: aside, service: 'web', status: 'exited' });
  const actual = loadActual({ networks: ['demo_default'], containers: [{ name: aside, id: aside, service: 'web', number: 1, configHash: 'old', status: 'exited' }] }, p);
  await executePlan(reconcile(p, actual), engine);
  assert.deepEqual(engine.log, [`stop demo-web-1`, 'create demo-web-1', `remove ${aside}`, 'start demo-web-1']);
  assert.deepEqual([...engine.containers.keys()], ['demo-web-1']);
});
