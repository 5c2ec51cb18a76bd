import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { load, loadText, project } from './helpers.js';

test('defaults as docker compose config prints them', () => {
  const p = loadText('services:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: postgres\n');
  assert.deepEqual(p.services.web, {
    depends_on: { db: { condition: 'service_started', required: true } },
    image: 'nginx',
    networks: { default: null },
  });
  assert.deepEqual(p.networks, { default: { name: 'proj_default' } });
});

test('service keys are sorted; services sorted by name', () => {
  const p = loadText('services:\n  zz:\n    image: z\n    hostname: h\n    cap_add: [NET_ADMIN]\n  aa:\n    image: a\n');
  assert.deepEqual(Object.keys(p.services), ['aa', 'zz']);
  assert.deepEqual(Object.keys(p.services.zz!), ['cap_add', 'hostname', 'image', 'networks']);
});

test('ports long syntax, published as strings', () => {
  const p = loadText('services:\n  a:\n    image: a\n    ports:\n      - 80\n      - "127.0.0.1:8080:80/udp"\n      - target: 443\n        published: 8443\n        host_ip: 127.0.0.1\n      - target: "53"\n        protocol: UDP\n        mode: host\n');
  assert.deepEqual(p.services.a!.ports, [
    { mode: 'ingress', target: 80, protocol: 'tcp' },
    { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' },
    { mode: 'ingress', host_ip: '127.0.0.1', target: 443, published: '8443', protocol: 'tcp' },
    { mode: 'host', target: 53, protocol: 'udp' },
  ]);
});

test('volumes: relative and ~ sources resolved, long syntax kept', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n    volumes:\n      - ./data:/data\n      - ~/cfg:/cfg:ro\n      - type: bind\n        source: ../up\n        target: /up\n        read_only: "true"\n      - type: tmpfs\n        target: /tmp\n        tmpfs:\n          size: 64m\n      - named:/named\nvolumes:\n  named:\n    external: true\n' });
  const v = load(dir).services.a!.volumes!;
  assert.equal(v[0]!.source, join(dir, 'data'));
  assert.equal(v[1]!.source, join(homedir(), 'cfg'));
  assert.deepEqual(v[2], { type: 'bind', source: join(dir, '../up'), target: '/up', read_only: true });
  assert.deepEqual(v[3], { type: 'tmpfs', target: '/tmp', tmpfs: { size: String(64 * 1024 * 1024) } });
  assert.deepEqual(v[4], { type: 'volume', source: 'named', target: '/named', volume: {} });
  assert.deepEqual(load(dir).volumes, { named: { name: 'named', external: true } });
});

test('environment: list and map, bare names from the environment, env_file folded in', () => {
  const dir = project({
    'compose.yaml': 'services:\n  a:\n    image: a\n    env_file: [a.env, {path: opt.env, required: false}]\n    environment:\n      - FROM_LIST=1\n      - FROM_SHELL\n      - NOT_SET\n      - OVERRIDDEN=compose\n',
    'a.env': 'FILE_ONLY=f\nOVERRIDDEN=file\n',
  });
  const p = load(dir, {}, { FROM_SHELL: 'sh' });
  assert.deepEqual(p.services.a!.environment, { FILE_ONLY: 'f', FROM_LIST: '1', FROM_SHELL: 'sh', NOT_SET: null, OVERRIDDEN: 'compose' });
  assert.equal(p.services.a!.env_file, undefined);
});

test('env_file that is required and missing is an error at the env_file key', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n    env_file: nope.env\n' });
  assert.throws(() => load(dir), /compose\.yaml:4:15: services\.a\.env_file: env file .*nope\.env not found/);
});

test('labels and sysctls as maps of strings', () => {
  const p = loadText('services:\n  a:\n    image: a\n    labels:\n      - com.example.a=1\n      - com.example.b\n    sysctls:\n      net.core.somaxconn: 1024\n');
  assert.deepEqual(p.services.a!.labels, { 'com.example.a': '1', 'com.example.b': '' });
  assert.deepEqual(p.services.a!.sysctls, { 'net.core.somaxconn': '1024' });
});

test('healthcheck: string test becomes CMD-SHELL, durations in Go form', () => {
  const p = loadText('services:\n  a:\n    image: a\n    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n      timeout: 10s\n      retries: "3"\n      start_period: 40s\n      start_interval: 5s\n');
  assert.deepEqual(p.services.a!.healthcheck, { test: ['CMD-SHELL', 'curl -f http://localhost'], timeout: '10s', interval: '1m30s', retries: 3, start_period: '40s', start_interval: '5s' });
  const d = loadText('services:\n  a:\n    image: a\n    healthcheck:\n      disable: true\n');
  assert.deepEqual(d.services.a!.healthcheck, { disable: true });
});

test('build: short and long syntax', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    build: ./dir\n  b:\n    build:\n      context: backend\n      dockerfile: ../backend.Dockerfile\n      args:\n        - GIT_COMMIT=cdc3b19\n        - NOVALUE\n      target: prod\n  c:\n    build:\n      context: https://github.com/example/repo.git\n' });
  const p = load(dir);
  assert.deepEqual(p.services.a!.build, { context: join(dir, 'dir'), dockerfile: 'Dockerfile' });
  // NOVALUE names an unset variable: compose-go leaves such a build arg out.
  assert.deepEqual(p.services.b!.build, { context: join(dir, 'backend'), dockerfile: '../backend.Dockerfile', args: { GIT_COMMIT: 'cdc3b19' }, target: 'prod' });
  assert.equal(p.services.c!.build!.context, 'https://github.com/example/repo.git');
});

test('command and entrypoint strings are split like a shell', () => {
  const p = loadText('services:\n  a:\n    image: a\n    command: bundle exec thin -p 3000\n    entrypoint: ["php", "-d", "memory_limit=-1"]\n  b:\n    image: b\n    entrypoint: []\n    command: null\n');
  assert.deepEqual(p.services.a!.command, ['bundle', 'exec', 'thin', '-p', '3000']);
  assert.deepEqual(p.services.a!.entrypoint, ['php', '-d', 'memory_limit=-1']);
  assert.deepEqual(p.services.b!.entrypoint, []);
  assert.equal(p.services.b!.command, null);
});

test('networks: list to map, aliases kept, names filled, external', () => {
  const p = loadText('services:\n  a:\n    image: a\n    networks:\n      front:\n        aliases: [web]\n        ipv4_address: 172.16.238.10\n      back: null\n  b:\n    image: b\n    networks: [back]\n  c:\n    image: c\n    network_mode: host\nnetworks:\n  front: {}\n  back:\n    driver: bridge\n    internal: "true"\n  ext:\n    external: true\n    name: shared\n');
  assert.deepEqual(p.services.a!.networks, { back: null, front: { aliases: ['web'], ipv4_address: '172.16.238.10' } });
  assert.deepEqual(p.services.b!.networks, { back: null });
  assert.equal(p.services.c!.networks, undefined);
  assert.deepEqual(p.networks, {
    back: { name: 'proj_back', driver: 'bridge', internal: true },
    ext: { name: 'shared', external: true },
    front: { name: 'proj_front' },
  });
});

test('secrets and configs: short to long, file paths absolute, names filled', () => {
  const dir = project({ 'compose.yaml': 'services:\n  a:\n    image: a\n    secrets:\n      - server-certificate\n      - source: db_pass\n        target: /run/pw\n        mode: "0440"\n    configs: [app]\nsecrets:\n  server-certificate:\n    file: ./server.cert\n  db_pass:\n    environment: DB_PASS\nconfigs:\n  app:\n    content: |\n      debug=true\n' });
  const p = load(dir);
  assert.deepEqual(p.services.a!.secrets, [{ source: 'server-certificate', target: '/run/secrets/server-certificate' }, { source: 'db_pass', target: '/run/pw', mode: 0o440 }]);
  assert.deepEqual(p.secrets['server-certificate'], { name: 'proj_server-certificate', file: join(dir, 'server.cert') });
  assert.deepEqual(p.configs.app, { name: 'proj_app', content: 'debug=true\n' });
});

test('ulimits, extra_hosts, devices, tmpfs, dns, byte sizes, booleans', () => {
  const p = loadText([
    'services:', '  a:', '    image: a',
    '    ulimits:', '      nproc: 65535', '      nofile:', '        soft: 20000', '        hard: 40000',
    '    extra_hosts:', '      - "somehost:162.242.195.82"', '      - "otherhost=50.31.209.229"', '      - "v6host:[::1]"',
    '    devices: ["/dev/ttyUSB0:/dev/ttyUSB1", "/dev/sda:/dev/xvda:rwm", "/dev/null"]',
    '    tmpfs: /run', '    dns: 8.8.8.8', '    mem_limit: 1gb', '    shm_size: "64m"', '    privileged: "true"', '    read_only: false',
    '    stop_grace_period: 1m30s', '    pids_limit: "100"',
  ].join('\n') + '\n');
  const a = p.services.a!;
  assert.deepEqual(a.ulimits, { nofile: { soft: 20000, hard: 40000 }, nproc: 65535 });
  assert.deepEqual(a.extra_hosts, ['somehost=162.242.195.82', 'otherhost=50.31.209.229', 'v6host=::1']);
  assert.deepEqual(a.devices, [
    { source: '/dev/ttyUSB0', target: '/dev/ttyUSB1', permissions: 'rwm' },
    { source: '/dev/sda', target: '/dev/xvda', permissions: 'rwm' },
    { source: '/dev/null', target: '/dev/null', permissions: 'rwm' },
  ]);
  assert.deepEqual(a.tmpfs, ['/run']);
  assert.deepEqual(a.dns, ['8.8.8.8']);
  assert.equal(a.mem_limit, String(1024 ** 3));
  assert.equal(a.shm_size, String(64 * 1024 ** 2));
  assert.equal(a.privileged, true);
  assert.equal(a.read_only, false);
  assert.equal(a.stop_grace_period, '1m30s');
  assert.equal(a.pids_limit, 100);
});

test('depends_on long syntax keeps restart and required', () => {
  const p = loadText('services:\n  a:\n    image: a\n    depends_on:\n      b:\n        condition: service_healthy\n        restart: true\n      c:\n        condition: service_completed_successfully\n  b:\n    image: b\n  c:\n    image: c\n');
  assert.deepEqual(p.services.a!.depends_on, {
    b: { condition: 'service_healthy', restart: true, required: true },
    c: { condition: 'service_completed_successfully', required: true },
  });
});

test('scale, deploy.replicas and the x- fields of a service', () => {
  const p = loadText('services:\n  a:\n    image: a\n    deploy:\n      replicas: "3"\n    x-note: kept\n');
  assert.equal(p.services.a!.deploy!.replicas, 3);
  assert.equal(p.services.a!['x-note'], 'kept');
});
