import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { observeVolumes, volumeDrivers } from '../../../../src/reconcile/adapters/volumes.js';
import { executePlan, type Drivers } from '../../../../src/reconcile/execute.js';
import { planDown } from '../../../../src/reconcile/lifecycle.js';
import { reconcile } from '../../../../src/reconcile/reconcile.js';
import { statePaths } from '../../../../src/state/paths.js';
import { VolumeStore } from '../../../../src/volume/store.js';
import { tempDir } from '../../../helpers/env.js';
import { FakeEngine } from '../fake-drivers.js';
import { loadActual, loadDesired } from '../golden-case.js';

test('up creates the project volumes with labels a second up recognizes; down -v removes them', async (t) => {
  const d = tempDir();
  t.after(() => d.cleanup());
  const store = new VolumeStore(statePaths(join(d.path, 'root'), {}), { lockTimeoutMs: 120_000 });
  const desired = loadDesired({
    services: [{ name: 'db', volumes: ['data'] }],
    volumes: [{ key: 'data', labels: { backup: 'daily' } }],
  });
  const engine = new FakeEngine();
  // The fake engine for everything else, the real volume store for volumes.
  const drivers: Drivers = Object.assign(Object.create(engine) as FakeEngine, volumeDrivers(store, desired, () => new Map()));
  const actual = () => ({ ...loadActual({ networks: [...engine.networks], containers: [...engine.containers.values()].map((c) => ({ name: c.name, status: c.status })) }, desired), volumes: observeVolumes(store) });
  await executePlan(reconcile(desired, actual()), drivers);
  assert.deepEqual(store.inspect('demo_data').labels, { backup: 'daily', 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data' });
  assert.equal(reconcile(desired, actual()).actions.length, 0);
  await executePlan(planDown(desired, actual(), { removeVolumes: true }), drivers);
  assert.equal(store.get('demo_data'), undefined);
});
