import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterBool, labelMatches, parseFilters } from '../../../src/project/filters.js';

test('--filter: key=value split once, keys checked against the verb', () => {
  assert.deepEqual(parseFilters(['label=a=b', 'name=web'], ['label', 'name']), [{ key: 'label', value: 'a=b' }, { key: 'name', value: 'web' }]);
  assert.deepEqual(parseFilters(undefined, ['name']), []);
  for (const bad of ['name', '=web', 'name=']) assert.throws(() => parseFilters([bad], ['name']), /^UsageError: invalid filter ".*": expected key=value$/, bad);
  assert.throws(() => parseFilters(['bogus=1'], ['label', 'name']), /invalid filter "bogus": valid keys are label, name/);
});

test('--filter: booleans and labels', () => {
  assert.equal(filterBool({ key: 'dangling', value: '1' }), true);
  assert.equal(filterBool({ key: 'dangling', value: 'false' }), false);
  assert.throws(() => filterBool({ key: 'dangling', value: 'yes' }), /dangling takes true or false/);
  const labels = { tier: 'web', empty: '' };
  assert.ok(labelMatches(labels, 'tier'));
  assert.ok(labelMatches(labels, 'tier=web'));
  assert.ok(labelMatches(labels, 'empty='));
  assert.ok(!labelMatches(labels, 'tier=db'));
  assert.ok(!labelMatches(labels, 'toString'));
});
