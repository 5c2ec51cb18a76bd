// Placement of services on nodes: constraints, stickiness, the spread rule
// (fewest containers, ties by name), and the errors for what cannot be placed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constraintsOf, parseConstraint, placeServices, type PlacementNode, type ServiceDemand } from '../../../src/cluster/placement.js';

const nodes: PlacementNode[] = [
  { name: 'n2', labels: { zone: 'b', disk: 'ssd' }, containers: 0 },
  { name: 'n1', labels: { zone: 'a' }, containers: 0 },
  { name: 'n3', labels: { zone: 'a', disk: 'ssd' }, containers: 0 },
];
const svc = (name: string, constraints: string[] = [], replicas = 1): ServiceDemand => ({ name, replicas, constraints });

test('constraints parse: hostname and labels, == and !=, spaces optional', () => {
  assert.deepEqual(parseConstraint('web', 'node.hostname==n1'), { text: 'node.hostname==n1', field: { kind: 'hostname' }, equal: true, value: 'n1' });
  assert.deepEqual(parseConstraint('web', ' node.labels.zone != a '), { text: ' node.labels.zone != a ', field: { kind: 'label', key: 'zone' }, equal: false, value: 'a' });
  assert.deepEqual(parseConstraint('web', 'node.labels.example.com/tier == db').field, { kind: 'label', key: 'example.com/tier' });
});

test('constraints that are not understood name the service and the constraint', () => {
  assert.throws(() => parseConstraint('web', 'node.role == manager'),
    { message: "service web: placement constraint 'node.role == manager': node.role is not supported (node.hostname, node.labels.KEY)" });
  assert.throws(() => parseConstraint('web', 'node.hostname = n1'),
    { message: "service web: placement constraint 'node.hostname = n1' is not of the form node.hostname|node.labels.KEY ==|!= VALUE" });
  assert.throws(() => parseConstraint('db', 'node.labels.zone =='), /^BerthError: service db: placement constraint 'node.labels.zone ==' is not of the form/);
  assert.throws(() => parseConstraint('db', 'node.labels. == a'), /node\.labels\. is not supported/);
});

test('constraintsOf reads deploy.placement.constraints', () => {
  assert.deepEqual(constraintsOf('web', undefined), []);
  assert.deepEqual(constraintsOf('web', { placement: {} }), []);
  assert.deepEqual(constraintsOf('web', { placement: { constraints: ['node.hostname == n1'] } }), ['node.hostname == n1']);
  assert.throws(() => constraintsOf('web', { placement: { constraints: 'node.hostname == n1' } }), { message: 'service web: deploy.placement.constraints must be a list of strings' });
});

test('constraints choose the node; all of them must hold', () => {
  const p = placeServices([
    svc('db', ['node.hostname == n3']),
    svc('web', ['node.labels.zone == a', 'node.labels.disk != ssd']),
    svc('cache', ['node.labels.zone != a']),
  ], nodes);
  assert.deepEqual(p, { cache: 'n2', db: 'n3', web: 'n1' });
});

test('spread: fewest containers first, counting replicas placed so far, ties by name', () => {
  const p = placeServices([svc('a', [], 2), svc('b'), svc('c'), svc('d')], nodes);
  // a → n1 (all at 0, first name); b → n2 (0); c → n3 (0); d → n2 (n1 has 2, n2 and n3 have 1: n2 first).
  assert.deepEqual(p, { a: 'n1', b: 'n2', c: 'n3', d: 'n2' });
  const busy = nodes.map((n) => ({ ...n, containers: n.name === 'n1' ? 5 : n.name === 'n2' ? 1 : 0 }));
  assert.deepEqual(placeServices([svc('x'), svc('y')], busy), { x: 'n3', y: 'n2' });
});

test('a service stays on its node while the node is live and fits; otherwise it is placed again', () => {
  assert.deepEqual(placeServices([svc('a'), svc('b')], nodes, { a: 'n3', b: 'n2' }), { a: 'n3', b: 'n2' });
  // n3 gone: a moves by the spread rule; a node that no longer fits the constraints is left too.
  assert.deepEqual(placeServices([svc('a')], nodes.filter((n) => n.name !== 'n3'), { a: 'n3' }), { a: 'n1' });
  assert.deepEqual(placeServices([svc('a', ['node.labels.zone == b'])], nodes, { a: 'n3' }), { a: 'n2' });
});

test('nothing satisfies: one error naming the service and the constraint', () => {
  assert.throws(() => placeServices([svc('web'), svc('db', ['node.labels.zone == z9'])], nodes),
    { message: "service db: no live node satisfies the placement constraint 'node.labels.zone == z9'" });
  assert.throws(() => placeServices([svc('db', ['node.labels.zone == b', 'node.hostname == n1'])], nodes),
    { message: "service db: no live node satisfies the placement constraints 'node.labels.zone == b' and 'node.hostname == n1' together" });
  assert.throws(() => placeServices([svc('db')], []), { message: 'service db: no live node in the cluster' });
  // A bad constraint anywhere is refused before anything is placed.
  assert.throws(() => placeServices([svc('a'), svc('z', ['node.id == 1'])], nodes), /service z: placement constraint 'node.id == 1': node.id is not supported/);
});

test('the same input gives the same placement whatever the order of nodes and services', () => {
  const a = placeServices([svc('b'), svc('a'), svc('c', [], 3)], nodes);
  const b = placeServices([svc('c', [], 3), svc('a'), svc('b')], [...nodes].reverse());
  assert.deepEqual(a, b);
});
