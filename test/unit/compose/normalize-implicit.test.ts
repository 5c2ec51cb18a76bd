// compose-go's implicit normalizations: dependencies from links, service:
// namespaces and volumes_from; pull_policy if_not_present; clean volume
// targets; bare build args; an empty networks mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { cleanPath } from '../../../src/compose/normalize-implicit.js';
import { configView } from '../../../src/compose/used-resources.js';
import { berth, errorOf, loadText, project } from './helpers.js';

test('config: links, service: namespaces and volumes_from add started dependencies (restart but for volumes_from); explicit ones stay', () => {
  const text = [
    'services:',
    '  a:',
    '    image: x',
    '    links: [b:bee, e]',
    '    network_mode: service:c',
    '    ipc: service:b',
    '    volumes_from: [d, "container:other", "e:ro"]',
    '    depends_on: {e: {condition: service_healthy}}',
    '  b: {image: x}',
    '  c: {image: x}',
    '  d: {image: x}',
    '  e: {image: x, healthcheck: {test: "true"}}',
    '',
  ].join('\n');
  const loaded = loadText(text);
  // The loaded model keeps what was written; the config view adds the rest.
  assert.deepEqual(loaded.services.a!.depends_on, { e: { condition: 'service_healthy', required: true } });
  const p = configView(loaded);
  assert.deepEqual(parse(berth(['config'], project({ 'compose.yaml': text })).stdout).services.a.depends_on, p.services.a!.depends_on);
  assert.deepEqual(p.services.a!.depends_on, {
    b: { condition: 'service_started', restart: true, required: true },
    c: { condition: 'service_started', restart: true, required: true },
    d: { condition: 'service_started', required: true },
    e: { condition: 'service_healthy', required: true },
  });
  assert.equal(p.services.b!.depends_on, undefined);
});

test('references the project lacks, or to itself, keep their own errors', () => {
  assert.match(errorOf('services:\n  a:\n    image: x\n    links: [db]\n'), /services\.a\.links\[0\]: links refers to undefined service "db"/);
  assert.match(errorOf('services:\n  a:\n    image: x\n    ipc: service:a\n'), /a service cannot share its own namespace/);
});

test('pull_policy if_not_present reads as missing; volume targets are cleaned; empty networks mean default', () => {
  const p = loadText('services:\n  a:\n    image: x\n    pull_policy: if_not_present\n    volumes: ["v:/data/./sub/", "/h:/x//y/../z"]\n    networks: {}\nvolumes: {v: {}}\n');
  const a = p.services.a!;
  assert.equal(a.pull_policy, 'missing');
  assert.deepEqual(a.volumes!.map((v) => v.target), ['/data/sub', '/x/z']);
  assert.deepEqual(a.networks, { default: null });
  assert.deepEqual(p.networks, { default: { name: 'proj_default' } });
  assert.equal(cleanPath('/'), '/');
  assert.equal(cleanPath('a/b/'), 'a/b');
});

test('a bare build arg takes the variable\'s value, and is left out when it is unset', () => {
  const p = loadText('services:\n  a:\n    build:\n      context: .\n      args: [SET, UNSET, X=1]\n', {}, { SET: 'yes' });
  assert.deepEqual(p.services.a!.build!.args, { SET: 'yes', X: '1' });
});
