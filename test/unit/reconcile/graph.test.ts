import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceGraph } from '../../../src/reconcile/graph.js';

const g = new ServiceGraph([
  { name: 'web', deps: ['api', 'cache'] },
  { name: 'api', deps: ['db'] },
  { name: 'db', deps: [] },
  { name: 'cache', deps: [] },
  { name: 'worker', deps: ['db', 'ghost'] },
]);

test('order puts dependencies first, alphabetically among peers', () => {
  assert.deepEqual(g.order(), ['cache', 'db', 'api', 'web', 'worker']);
});

test('reverse order puts dependents first', () => {
  assert.deepEqual(g.reverseOrder(), ['worker', 'web', 'api', 'db', 'cache']);
});

test('order of a subset ignores edges to services outside it', () => {
  assert.deepEqual(g.order(['web', 'db']), ['db', 'web']);
});

test('closure follows dependencies transitively and ignores undefined ones', () => {
  assert.deepEqual([...g.closure(['web'])].sort(), ['api', 'cache', 'db', 'web']);
  assert.deepEqual([...g.closure(['worker'])].sort(), ['db', 'worker']);
});

test('dependent closure and direct relations', () => {
  assert.deepEqual([...g.dependentClosure(['db'])].sort(), ['api', 'db', 'web', 'worker']);
  assert.deepEqual(g.dependentsOf('db'), ['api', 'worker']);
  assert.deepEqual(g.dependenciesOf('worker'), ['db']);
});

test('a cycle is named in the error', () => {
  const c = new ServiceGraph([
    { name: 'a', deps: ['b'] }, { name: 'b', deps: ['c'] }, { name: 'c', deps: ['b'] }, { name: 'd', deps: [] },
  ]);
  assert.throws(() => c.order(), /dependency cycle between services: b -> c -> b/);
  assert.throws(() => new ServiceGraph([{ name: 'x', deps: ['x'] }]).assertAcyclic(), /x -> x/);
});
