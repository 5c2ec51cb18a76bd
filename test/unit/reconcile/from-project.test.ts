import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredFromProject, type ProjectLike } from '../../../src/reconcile/from-project.js';
import { reconcile } from '../../../src/reconcile/reconcile.js';
import { formatPlan } from '../../../src/reconcile/plan.js';

// Shaped like a normalized Compose project (src/compose/model.ts).
const project: ProjectLike = {
  name: 'shop',
  services: {
    db: { image: 'postgres:16', volumes: [{ type: 'volume', source: 'data' }, { type: 'bind', source: '/srv' }, { type: 'volume' }], networks: { back: null }, restart: 'always', healthcheck: { test: ['CMD', 'pg_isready'] } },
    api: { build: { context: '/src/api' }, depends_on: { db: { condition: 'service_healthy', required: true, restart: true } }, networks: { back: {}, default: null }, deploy: { replicas: 2 }, pull_policy: 'if_not_present' },
    sidecar: { image: 'busybox:1', network_mode: 'service:api', volumes_from: ['db:ro', 'container:other'], links: ['api:backend'] },
  },
  networks: {
    default: { name: 'shop_default' },
    back: { name: 'shop_back', driver_opts: { mtu: '1400' }, ipam: { config: [{ subnet: '10.7.0.0/24', gateway: '10.7.0.1' }] }, internal: true },
    corp: { name: 'corp-net', external: true },
  },
  volumes: { data: { name: 'shop_data', labels: { backup: 'yes' } }, shared: { name: 'shared', external: true } },
  disabledServices: ['debug'],
};

test('a Compose project maps onto the desired project', () => {
  const d = desiredFromProject(project, (s) => `h-${s}`);
  assert.deepEqual(d.services.map((s) => s.name), ['api', 'db', 'debug', 'sidecar']);
  const [api, db, debug, sidecar] = d.services;
  assert.deepEqual({ image: api.image, localImage: api.localImage, build: api.build, replicas: api.replicas, pull: api.pullPolicy, nets: api.networks },
    { image: 'shop-api', localImage: true, build: true, replicas: 2, pull: 'missing', nets: ['back', 'default'] });
  assert.deepEqual(api.dependsOn, { db: { condition: 'service_healthy', required: true, restart: true } });
  assert.deepEqual(db.volumes, ['data']);
  assert.equal(db.restart, 'always');
  assert.equal(db.healthcheck, true);
  assert.equal(api.healthcheck, false);
  assert.equal(db.configHash, 'h-db');
  assert.equal(debug.enabled, false);
  assert.deepEqual(sidecar.networks, []);
  assert.deepEqual(Object.keys(sidecar.dependsOn).sort(), ['api', 'db']);
  assert.deepEqual(d.networks.find((n) => n.key === 'back')?.config, {
    'driver_opts.mtu': '1400', 'ipam.config.0.subnet': '10.7.0.0/24', 'ipam.config.0.gateway': '10.7.0.1', internal: 'true',
  });
  assert.equal(d.networks.find((n) => n.key === 'corp')?.external, true);
  assert.deepEqual(d.volumes.find((v) => v.key === 'data'), { key: 'data', name: 'shop_data', external: false, driver: 'local', driverOpts: {}, labels: { backup: 'yes' } });
});

test('the mapped project plans a fresh up in dependency order', () => {
  const d = desiredFromProject(project, (s) => `h-${s}`);
  const text = formatPlan(reconcile(d, { containers: [{ id: 'x', name: 'shop-debug-1', project: 'shop', service: 'debug', number: 1, configHash: 'h', status: 'exited', oneoff: false }], networks: [], volumes: [], images: [{ ref: 'postgres:16', id: 'sha256:1' }] }), { verbose: true });
  assert.equal(text, [
    '1. Network shop_default  Create',
    '2. Network shop_back  Create',
    '3. Volume shop_data  Create',
    '4. Container shop-db-1  Create  after 2,3',
    '5. Container shop-db-1  Start  after 4',
    '6. Image shop-api  Build  (image not present)',
    '7. Container shop-api-1  Create  after 1,2,4,6',
    '8. Container shop-api-2  Create  after 1,2,4,6',
    '9. Service db  Wait  (service_healthy for api)  after 5',
    '10. Container shop-api-1  Start  after 7,9',
    '11. Container shop-api-2  Start  after 8,9',
    '12. Image busybox:1  Pull  (image not present)',
    '13. Container shop-sidecar-1  Create  after 4,7,8,12',
    '14. Service api  Wait  (service_started for sidecar)  after 10,11',
    '15. Service db  Wait  (service_started for sidecar)  after 5',
    '16. Container shop-sidecar-1  Start  after 13,14,15',
  ].join('\n') + '\n');
});

test('network_mode, pid and ipc service: and volumes_from make shared services and implicit dependencies', () => {
  const p: ProjectLike = {
    name: 'ns', networks: {}, volumes: {},
    services: {
      a: { image: 'x' },
      b: { image: 'x', pid: 'service:a', ipc: 'service:a' },
      c: { image: 'x', network_mode: 'service:b', volumes_from: ['a:ro', 'container:foreign'], ipc: 'shareable', pid: 'host' },
    },
  };
  const d = desiredFromProject(p, () => 'h');
  const [a, b, c] = d.services;
  assert.equal(a.shares, undefined);
  assert.deepEqual(b.shares, ['a']);
  assert.deepEqual(Object.keys(b.dependsOn), ['a']);
  assert.deepEqual(c.shares, ['a', 'b']);
  assert.deepEqual(Object.keys(c.dependsOn).sort(), ['a', 'b']);
});
