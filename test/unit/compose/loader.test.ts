import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { errorOf, load, loadText, project } from './helpers.js';
import { normalizeProjectName } from '../../../src/compose/discovery.js';

const svc = 'services:\n  a:\n    image: alpine\n';

test('discovery: compose.yaml is preferred, found from a subdirectory, with its override', () => {
  const dir = project({
    'compose.yaml': svc, 'docker-compose.yml': 'services:\n  other:\n    image: x\n',
    'compose.override.yaml': 'services:\n  a:\n    hostname: over\n', 'sub/deeper/.keep': '',
  });
  const p = load(join(dir, 'sub/deeper'));
  assert.deepEqual(Object.keys(p.services), ['a']);
  assert.equal(p.services.a!.hostname, 'over');
  assert.deepEqual(p.composeFiles, [join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
  assert.equal(p.workingDir, dir);
});

test('discovery: docker-compose.yml and its override', () => {
  const dir = project({ 'docker-compose.yml': svc, 'docker-compose.override.yml': 'services:\n  a:\n    hostname: h\n' });
  assert.equal(load(dir).services.a!.hostname, 'h');
});

test('discovery: nothing found is one clear error', () => {
  const dir = project({ 'README': 'x' });
  assert.throws(() => load(dir), /no compose file found in .* \(looked for compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml\)/);
});

test('COMPOSE_FILE lists files with ":"', () => {
  const dir = project({ 'a.yaml': svc, 'b.yaml': 'services:\n  b:\n    image: b\n' });
  const p = load(dir, {}, { COMPOSE_FILE: 'a.yaml:b.yaml' });
  assert.deepEqual(Object.keys(p.services), ['a', 'b']);
});

test('-f - reads stdin', () => {
  const dir = project({});
  const p = load(dir, { files: ['-'], stdin: svc });
  assert.deepEqual(Object.keys(p.services), ['a']);
  assert.equal(p.name, 'proj');
});

test('project name: directory, name:, COMPOSE_PROJECT_NAME, -p in increasing precedence', () => {
  const dir = project({ 'compose.yaml': svc }, 'My.Project_Dir-1');
  assert.equal(load(dir).name, 'myproject_dir-1');
  const named = project({ 'compose.yaml': `name: fromfile\n${svc}` });
  assert.equal(load(named).name, 'fromfile');
  assert.equal(load(named, {}, { COMPOSE_PROJECT_NAME: 'fromenv' }).name, 'fromenv');
  assert.equal(load(named, { projectName: 'fromflag' }, { COMPOSE_PROJECT_NAME: 'fromenv' }).name, 'fromflag');
});

test('project name: normalization and invalid explicit names', () => {
  assert.equal(normalizeProjectName('Hello World!'), 'helloworld');
  assert.equal(normalizeProjectName('__x'), 'x');
  assert.equal(normalizeProjectName('-A-b_C'), 'a-b_c');
  const dir = project({ 'compose.yaml': svc });
  assert.throws(() => load(dir, { projectName: 'Bad Name' }), /invalid project name "Bad Name"/);
  assert.throws(() => load(dir, { projectName: '_x' }), /invalid project name/);
  // A name: in the file is normalized as compose-go does; -p and COMPOSE_PROJECT_NAME are checked as given.
  assert.equal(load(project({ 'compose.yaml': `name: My_App.v2\n${svc}` })).name, 'my_appv2');
  assert.match(errorOf(`name: "__"\n${svc}`), /compose\.yaml:1:7: name: invalid project name "__"/);
  assert.throws(() => load(dir, {}, { COMPOSE_PROJECT_NAME: 'UPPER' }), /invalid project name "UPPER"/);
});

test('.env in the project directory feeds interpolation; the shell wins', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: "app:${TAG}"\n    hostname: ${HOST:-dflt}\n', '.env': 'TAG=1.2\nHOST=fromdotenv\n' });
  assert.equal(load(dir).services.a!.image, 'app:1.2');
  assert.equal(load(dir).services.a!.hostname, 'fromdotenv');
  assert.equal(load(dir, {}, { TAG: '9' }).services.a!.image, 'app:9');
});

test('--env-file replaces .env; several are applied in order', () => {
  const dir = project({
    'compose.yaml': 'services:\n  a:\n    image: "app:${TAG}"\n    hostname: ${H:-none}\n',
    '.env': 'TAG=dotenv\nH=dotenv\n', 'one.env': 'TAG=one\n', 'two.env': 'TAG=two\n',
  });
  const p = load(dir, { envFiles: ['one.env', 'two.env'] });
  assert.equal(p.services.a!.image, 'app:two');
  assert.equal(p.services.a!.hostname, 'none');
  assert.throws(() => load(dir, { envFiles: ['missing.env'] }), /env file .*missing\.env not found/);
});

test('COMPOSE_PROJECT_NAME and COMPOSE_PROFILES may come from .env', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n  b:\n    image: b\n    profiles: [extra]\n', '.env': 'COMPOSE_PROJECT_NAME=dotenvname\nCOMPOSE_PROFILES=extra\n' });
  const p = load(dir);
  assert.equal(p.name, 'dotenvname');
  assert.deepEqual(Object.keys(p.services), ['a', 'b']);
});

test('--project-directory sets where .env and relative paths are taken from', () => {
  const dir = project({ 'files/compose.yaml': 'services:\n  a:\n    image: "x:${T}"\n    volumes: [./data:/data]\n', 'root/.env': 'T=root\n' });
  const p = load(dir, { files: ['files/compose.yaml'], projectDirectory: 'root' });
  assert.equal(p.services.a!.image, 'x:root');
  assert.equal(p.services.a!.volumes![0]!.source, join(dir, 'root/data'));
  assert.equal(p.name, 'root');
});

test('unset variables give a warning and an empty string', () => {
  const p = loadText('services:\n  a:\n    image: "x${NOPE}"\n');
  assert.equal(p.services.a!.image, 'x');
  assert.deepEqual(p.warnings, ['the "NOPE" variable is not set, defaulting to a blank string']);
});

test('interpolation does not touch keys, and $$ escapes', () => {
  const p = loadText('services:\n  a:\n    image: a\n    command: ["echo", "$$HOME"]\n    labels:\n      "${X}": v\n');
  assert.deepEqual(p.services.a!.command, ['echo', '$HOME']);
  assert.deepEqual(p.services.a!.labels, { '${X}': 'v' });
});

test('YAML anchors, aliases and merge keys; x- extensions kept', () => {
  const p = loadText([
    'x-defaults: &defaults', '  restart: always', '  environment: {A: "1"}',
    'x-more: &more', '  hostname: h', '  restart: "no"',
    'services:', '  a:', '    <<: [*defaults, *more]', '    image: a', '  b:', '    <<: *defaults', '    image: b', '    restart: on-failure:3',
  ].join('\n') + '\n');
  assert.equal(p.services.a!.restart, 'always', 'earlier merge sources win');
  assert.equal(p.services.a!.hostname, 'h');
  assert.equal(p.services.b!.restart, 'on-failure:3', 'explicit keys win over merged ones');
  assert.deepEqual(p.services.b!.environment, { A: '1' });
  assert.deepEqual(p.extensions['x-more'], { hostname: 'h', restart: 'no' });
});

test('YAML 1.2: yes/no/on/off are strings', () => {
  const p = loadText('services:\n  a:\n    image: a\n    environment:\n      A: yes\n      B: off\n      C: 1.0\n      D: true\n');
  assert.deepEqual(p.services.a!.environment, { A: 'yes', B: 'off', C: '1', D: 'true' });
});

test('profiles: services without profiles are always on; --profile and * enable', () => {
  const text = [
    'services:', '  web:', '    image: web_image',
    '  test_lib:', '    image: t', '    profiles: [test]',
    '  coverage_lib:', '    image: c', '    depends_on: [test_lib]', '    profiles: [test]',
    '  debug_lib:', '    image: d', '    depends_on: [test_lib]', '    profiles: [debug]',
  ].join('\n') + '\n';
  assert.deepEqual(Object.keys(loadText(text).services), ['web']);
  assert.deepEqual(Object.keys(loadText(text, { profiles: ['test'] }).services), ['coverage_lib', 'test_lib', 'web']);
  assert.deepEqual(Object.keys(loadText(text, { profiles: ['*'] }).services), ['coverage_lib', 'debug_lib', 'test_lib', 'web']);
  // spec: with only `debug`, debug_lib depends on the disabled test_lib → an error
  assert.match(errorOf(text, { profiles: ['debug'] }), /services\.debug_lib\.depends_on\.test_lib: depends_on refers to service "test_lib", which is disabled by its profiles \(test\)/);
  // naming a service on the command line activates its profiles
  assert.deepEqual(Object.keys(loadText(text, { services: ['coverage_lib'] }).services), ['coverage_lib', 'test_lib', 'web']);
  assert.deepEqual(loadText(text, { services: ['coverage_lib'] }).profiles, ['test']);
});

test('profiles: optional dependencies on disabled services are dropped', () => {
  const p = loadText('services:\n  a:\n    image: a\n    depends_on:\n      b:\n        condition: service_started\n        required: false\n  b:\n    image: b\n    profiles: [x]\n');
  assert.deepEqual(p.services.a!.depends_on, {});
  assert.deepEqual(p.disabledServices, ['b']);
});

test('selecting services keeps them and their dependencies', () => {
  const p = loadText('services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n  c:\n    image: c\n', { services: ['a'], selectServices: true });
  assert.deepEqual(Object.keys(p.services), ['a', 'b']);
});

test('extends: same file, other file, recursive, paths relative to the other file', () => {
  const dir = project({
    'compose.yaml': [
      'services:',
      '  web:', '    extends:', '      file: common/base.yaml', '      service: webapp', '    environment:', '      - DEBUG=1', '    cpu_shares: 5',
      '  important_web:', '    extends: web', '    cpu_shares: 10',
    ].join('\n') + '\n',
    'common/base.yaml': [
      'services:',
      '  root:', '    image: example/root', '    labels: {tier: base}',
      '  webapp:', '    extends: root', '    build: ./app', '    ports: ["8000:8000"]', '    volumes: ["./data:/data"]', '    env_file: vars.env',
    ].join('\n') + '\n',
    'common/vars.env': 'FROM_FILE=1\n',
  });
  const p = load(dir);
  const web = p.services.web!;
  assert.equal(web.image, 'example/root');
  assert.deepEqual(web.labels, { tier: 'base' });
  assert.equal(web.build!.context, join(dir, 'common/app'));
  assert.equal(web.volumes![0]!.source, join(dir, 'common/data'));
  assert.deepEqual(web.environment, { DEBUG: '1', FROM_FILE: '1' });
  assert.equal(web.cpu_shares, 5);
  assert.equal(p.services.important_web!.cpu_shares, 10);
  assert.deepEqual(p.services.important_web!.ports!.map((x) => x.published), ['8000']);
  assert.equal(web.extends, undefined);
});

test('extends: cycles and missing services are errors', () => {
  assert.match(errorOf('services:\n  a:\n    extends: b\n  b:\n    extends: a\n'), /compose\.yaml:3:14: services\.a\.extends: circular extends: a -> b -> a/);
  assert.match(errorOf('services:\n  a:\n    extends: nope\n'), /compose\.yaml:3:14: services\.a\.extends: cannot extend service "nope": no such service/);
  assert.match(errorOf('services:\n  a:\n    extends:\n      file: missing.yaml\n      service: x\n'), /extended file .*missing\.yaml not found/);
});

test('include: its own project directory and .env; paths stay relative to it', () => {
  const dir = project({
    'compose.yaml': 'include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: w\n    depends_on: [db]\n',
    'sub/compose.yaml': 'services:\n  db:\n    image: "db:${DB_TAG}"\n    volumes: [./init:/init, dbdata:/var/lib/db]\nvolumes:\n  dbdata: {}\n',
    'sub/.env': 'DB_TAG=15\n',
  });
  const p = load(dir);
  assert.deepEqual(Object.keys(p.services), ['db', 'web']);
  assert.equal(p.services.db!.image, 'db:15');
  assert.equal(p.services.db!.volumes![0]!.source, join(dir, 'sub/init'));
  assert.equal(p.volumes.dbdata!.name, 'proj_dbdata');
});

test('include: long syntax with env_file and project_directory; conflicts are errors', () => {
  const dir = project({
    'compose.yaml': 'include:\n  - path: other/c.yaml\n    env_file: vars/x.env\n    project_directory: other\nservices:\n  a:\n    image: a\n',
    'other/c.yaml': 'services:\n  b:\n    image: "b:${X}"\n',
    'vars/x.env': 'X=fromenvfile\n',
  });
  assert.equal(load(dir).services.b!.image, 'b:fromenvfile');
  const clash = project({
    'compose.yaml': 'include:\n  - other.yaml\nservices:\n  a:\n    image: mine\n',
    'other.yaml': 'services:\n  a:\n    image: theirs\n',
  });
  assert.throws(() => load(clash), /compose\.yaml:4:3: services\.a: service "a" conflicts with one imported by include/);
});

test('include: cycles are errors', () => {
  const dir = project({ 'compose.yaml': 'include: [b.yaml]\nservices: {}\n', 'b.yaml': 'include: [compose.yaml]\n' });
  assert.throws(() => load(dir), /circular include/);
});

test('COMPOSE_FILE may come from .env, with COMPOSE_PATH_SEPARATOR', () => {
  const dir = project({ 'a.yaml': svc, 'b.yaml': 'services:\n  b:\n    image: b\n', '.env': 'COMPOSE_FILE=a.yaml,b.yaml\nCOMPOSE_PATH_SEPARATOR=,\n' });
  assert.deepEqual(Object.keys(load(dir).services), ['a', 'b']);
});

test('the obsolete version attribute is ignored with a warning', () => {
  const p = loadText(`version: "3.8"\n${svc}`);
  assert.deepEqual(p.warnings, ['the attribute "version" is obsolete, it will be ignored']);
});
