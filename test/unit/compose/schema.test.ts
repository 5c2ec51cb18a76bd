import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/env.js';
import { generateValidatorSource } from '../../../src/compose/schema/generate.js';
import { validateSchema } from '../../../src/compose/schema/validate.js';
import { emitYaml, plainOk } from '../../../src/compose/yaml-emit.js';

test('the built validator matches compose-schema.ts (`npm run build:ts` generates it)', () => {
  const built = readFileSync(join(repoRoot, 'dist/src/compose/schema/validator.generated.js'), 'utf8');
  assert.ok(built === generateValidatorSource(), 'dist/src/compose/schema/validator.generated.js is out of date: run `npm run build:ts`');
});

test('the schema accepts the spec\'s features', () => {
  const ok = parse(`
name: p
include:
  - other.yaml
  - path: [a.yaml, b.yaml]
    env_file: x.env
    project_directory: ..
services:
  web:
    image: nginx
    build:
      context: .
      args: {A: 1}
      additional_contexts: {base: ../base}
      secrets: [s]
    develop:
      watch:
        - path: ./src
          action: sync
          target: /app
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "0.5", memory: 50M}
      restart_policy: {condition: on-failure}
    depends_on:
      db: {condition: service_healthy, restart: true, required: false}
    gpus: all
    post_start:
      - command: ["echo", "hi"]
    annotations: {a: b}
    label_file: ./labels
    x-custom: 1
  db:
    image: pg
    networks:
      back:
        aliases: [database]
        priority: 10
networks:
  back:
    ipam:
      config:
        - subnet: 172.28.0.0/16
volumes:
  data:
    driver_opts: {type: nfs}
secrets:
  s:
    file: ./s.txt
configs:
  c:
    content: hello
x-anything: [1, 2]
`);
  assert.doesNotThrow(() => validateSchema(ok));
});

test('emitted YAML reads back as the same data', () => {
  const data = {
    plain: 'text', num: 1, float: 1.5, t: true, n: null, empty: '', spaced: ' x ', colon: 'a: b', hash: 'a #b',
    numeric: '8080', octal: '0755', yes: 'yes', no: 'no', on: 'on', tilde: '~', multi: 'a\nb', quote: '"q"', dash: '-g',
    star: '*x', amp: '&x', bang: '!x', obj: { nested: { deep: [1, 'two', { three: 3 }] } }, list: [[1, 2], []], emptyObj: {},
    'key with space': 1, '8080': 'numeric key', unicode: 'héllo ✓',
  };
  assert.deepEqual(parse(emitYaml(data)), data);
  assert.deepEqual(parse(emitYaml(data), { version: '1.1' }), data);
  assert.ok(plainOk('nginx:1.25'));
  assert.ok(!plainOk('no'));
  assert.ok(!plainOk('1e3'));
});
