// Normalization conformance: what `docker compose config` (compose-go) makes
// of each short form, its types and key order, and the merge rules across
// files — each case re-expressed from the specification and compose-go's
// behaviour as a small project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth, errorOf, load, loadText, project } from './helpers.js';

const svc = (body: string) => `services:\n  web:\n    image: x\n${body}`;

test('service keys come in compose-go\'s field order, x- extensions last', () => {
  const p = loadText(svc('    x-note: 1\n    working_dir: /w\n    mac_address: 02:42:ac:11:00:02\n    mem_limit: 1g\n    hostname: h\n    healthcheck: {test: "true"}\n    cpu_shares: 512\n    cpuset: "0"\n    cpus: 1\n    command: run\n    develop: {watch: [{path: ., action: rebuild}]}\n    build: .\n    profiles: [p]\n    environment: {A: "1"}\n    cgroup: private\n    cgroup_parent: cg\n'), { profiles: ['p'] });
  assert.deepEqual(Object.keys(p.services.web!), [
    'profiles', 'build', 'develop', 'cgroup_parent', 'cgroup', 'cpus', 'cpuset', 'cpu_shares', 'command', 'environment',
    'hostname', 'healthcheck', 'image', 'mem_limit', 'mac_address', 'networks', 'working_dir', 'x-note',
  ]);
});

test('deploy: byte sizes, numbers and durations typed, keys in compose-go order', () => {
  const p = loadText(svc('    deploy:\n      restart_policy: {window: 120s, max_attempts: "3", delay: 5s, condition: on-failure}\n      resources:\n        reservations:\n          memory: 20M\n          devices: [{capabilities: [gpu], count: "2", driver: nvidia}]\n        limits: {pids: "10", memory: 1g, cpus: "0.5"}\n      labels: [a=1, b]\n      replicas: "3"\n      update_config: {order: start-first, delay: 1m30s, parallelism: "2", max_failure_ratio: "0.3"}\n      mode: replicated\n'));
  const d = p.services.web!.deploy as Record<string, unknown>;
  assert.deepEqual(Object.keys(d), ['mode', 'replicas', 'labels', 'update_config', 'resources', 'restart_policy']);
  assert.equal(d.replicas, 3);
  assert.deepEqual(d.labels, { a: '1', b: '' });
  assert.deepEqual(d.update_config, { parallelism: 2, delay: '1m30s', max_failure_ratio: 0.3, order: 'start-first' });
  assert.deepEqual(d.resources, {
    limits: { cpus: 0.5, memory: String(1024 ** 3), pids: 10 },
    reservations: { memory: String(20 * 1024 ** 2), devices: [{ capabilities: ['gpu'], driver: 'nvidia', count: 2 }] },
  });
  assert.deepEqual(d.restart_policy, { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m0s' });
  assert.deepEqual(loadText(svc('    deploy:\n')).services.web!.deploy, undefined);
});

test('ports: every short form expands as compose-go does', () => {
  const p = loadText(svc('    ports:\n      - 3000\n      - "8080:80"\n      - "127.0.0.1:8081:81/udp"\n      - "127.0.0.1::82"\n      - "[::1]:8083:83"\n      - "9000-9001:9000-9001"\n      - "7000-7001:70"\n      - target: 84\n        published: 8084\n      - {target: "85", published: "8085-8086", protocol: UDP, mode: host, host_ip: "::", name: n, app_protocol: grpc}\n'));
  assert.deepEqual(p.services.web!.ports, [
    { mode: 'ingress', target: 3000, protocol: 'tcp' },
    { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
    { mode: 'ingress', host_ip: '127.0.0.1', target: 81, published: '8081', protocol: 'udp' },
    { mode: 'ingress', host_ip: '127.0.0.1', target: 82, protocol: 'tcp' },
    { mode: 'ingress', host_ip: '::1', target: 83, published: '8083', protocol: 'tcp' },
    { mode: 'ingress', target: 9000, published: '9000', protocol: 'tcp' },
    { mode: 'ingress', target: 9001, published: '9001', protocol: 'tcp' },
    { mode: 'ingress', target: 70, published: '7000-7001', protocol: 'tcp' },
    { mode: 'ingress', target: 84, published: '8084', protocol: 'tcp' },
    { name: 'n', mode: 'host', host_ip: '::', target: 85, published: '8085-8086', protocol: 'udp', app_protocol: 'grpc' },
  ]);
  for (const p2 of p.services.web!.ports!) assert.deepEqual(Object.keys(p2), ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'].filter((k) => k in p2));
});

test('volumes: bind options in compose-go order, tmpfs size a byte string, nocopy, ~ and relative paths', () => {
  const dir = project({ 'compose.yaml': svc('    volumes:\n      - ./d:/d:ro,z\n      - ../up:/up:rslave\n      - ~/cfg:/cfg\n      - data:/data:nocopy\n      - /anon\n      - type: tmpfs\n        target: /t\n        tmpfs: {size: 64m, mode: 01777}\n      - type: bind\n        source: ./s\n        target: /s\n        bind: {create_host_path: false, propagation: shared, selinux: Z}\nvolumes:\n  data:\n') });
  const v = load(dir).services.web!.volumes!;
  assert.deepEqual(v[0], { type: 'bind', source: `${dir}/d`, target: '/d', read_only: true, bind: { selinux: 'z', create_host_path: true } });
  assert.deepEqual(v[1], { type: 'bind', source: `${dir.replace(/\/[^/]+$/, '')}/up`, target: '/up', bind: { propagation: 'rslave', create_host_path: true } });
  assert.match(v[2]!.source!, /^\/.*\/cfg$/, '~ is the home directory');
  assert.deepEqual(v[3], { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } });
  assert.deepEqual(v[4], { type: 'volume', target: '/anon', volume: {} });
  assert.deepEqual(v[5], { type: 'tmpfs', target: '/t', tmpfs: { size: String(64 * 1024 * 1024), mode: 0o1777 } });
  assert.deepEqual(Object.keys(v[6]!.bind!), ['selinux', 'propagation', 'create_host_path']);
  assert.equal(v[6]!.bind!.create_host_path, false);
});

test('leading-zero integers are octal, as docker compose\'s YAML parser reads them', () => {
  const p = loadText(svc('    secrets:\n      - source: s\n        mode: 0440\n    environment:\n      OCT: 010\n      DEC: 10\n      QUOTED: "0440"\n      ZERO: 0\n      NEW: 0o17\nsecrets:\n  s:\n    file: ./s\n'));
  assert.equal(p.services.web!.secrets![0]!.mode, 0o440);
  assert.deepEqual(p.services.web!.environment, { DEC: '10', NEW: '15', OCT: '8', QUOTED: '0440', ZERO: '0' });
});

test('environment, labels, extra_hosts, healthcheck, command: short forms to long', () => {
  const p = loadText(svc('    environment: [A=1, B, C=, D=x=y]\n    labels: [a=b, c]\n    extra_hosts:\n      h: [1.1.1.1, "::2"]\n      g: 3.3.3.3\n    healthcheck:\n      test: curl -f http://localhost || exit 1\n      interval: 90s\n      timeout: 1500ms\n      start_period: 1m\n    command: sh -c \'echo "a b"\' c\\ d\n    entrypoint: ["/bin/tini", "--"]\n    cpus: "1.5"\n    mem_limit: 512m\n    logging:\n      driver: json-file\n      options: {max-file: 3, max-size: 10m}\n'), {}, { B: 'from-env' });
  const s = p.services.web!;
  assert.deepEqual(s.environment, { A: '1', B: 'from-env', C: '', D: 'x=y' });
  assert.deepEqual(s.labels, { a: 'b', c: '' });
  assert.deepEqual(s.extra_hosts, ['h=1.1.1.1', 'h=::2', 'g=3.3.3.3']);
  assert.deepEqual(s.healthcheck, { test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'], timeout: '1.5s', interval: '1m30s', start_period: '1m0s' });
  assert.deepEqual(s.command, ['sh', '-c', 'echo "a b"', 'c d']);
  assert.deepEqual(s.entrypoint, ['/bin/tini', '--']);
  assert.equal(s.cpus, 1.5);
  assert.equal(s.mem_limit, String(512 * 1024 * 1024));
  assert.deepEqual(s.logging, { driver: 'json-file', options: { 'max-file': '3', 'max-size': '10m' } });
  assert.deepEqual(loadText(svc('    command: ""\n')).services.web!.command, []);
  assert.deepEqual(loadText(svc('    extra_hosts: ["a:1.2.3.4", "b=::1", "c:[fe80::1]"]\n')).services.web!.extra_hosts, ['a=1.2.3.4', 'b=::1', 'c=fe80::1']);
});

test('top-level resources: names filled, keys in compose-go order, driver_opts as strings', () => {
  const p = loadText(svc('    networks:\n      front:\n        driver_opts: {mtu: 1400}\n') + 'networks:\n  front:\n    labels: [a=1]\n    internal: true\n    driver_opts: {com.docker.network.driver.mtu: 1400}\n    driver: bridge\n  ext:\n    external: {name: real-net}\nvolumes:\n  v:\n    labels: {b: 2}\n    driver: local\n');
  assert.deepEqual(Object.keys(p.networks.front!), ['name', 'driver', 'driver_opts', 'internal', 'labels']);
  assert.deepEqual(p.networks.front!.driver_opts, { 'com.docker.network.driver.mtu': '1400' });
  assert.deepEqual(p.networks.ext, { name: 'real-net', external: true });
  assert.deepEqual(Object.keys(p.volumes.v!), ['name', 'driver', 'labels']);
  assert.deepEqual((p.services.web!.networks!.front as { driver_opts: unknown }).driver_opts, { mtu: '1400' });
});

function merged(base: string, over: string) {
  const dir = project({ 'compose.yaml': base, 'compose.override.yaml': over, 'a.env': 'FROM_A=1\n' });
  return load(dir).services.web!;
}

test('merge: logging options merge for the same driver, a different driver replaces them', () => {
  const base = svc('    logging:\n      driver: json-file\n      options: {max-size: 1m, max-file: "2"}\n');
  assert.deepEqual(merged(base, 'services:\n  web:\n    logging:\n      options: {max-size: 5m}\n').logging, { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } });
  assert.deepEqual(merged(base, 'services:\n  web:\n    logging:\n      driver: syslog\n      options: {tag: t}\n').logging, { driver: 'syslog', options: { tag: 't' } });
});

test('merge: string-or-list fields append, devices and secrets merge by target', () => {
  const s = merged(
    svc('    dns: 1.1.1.1\n    tmpfs: /run\n    devices: ["/dev/a:/dev/x", /dev/b]\n    secrets: [s, t]\n    env_file: a.env\n') + 'secrets:\n  s: {file: ./s}\n  t: {file: ./t}\n',
    'services:\n  web:\n    dns: [8.8.8.8, 1.1.1.1]\n    tmpfs: /tmp\n    devices: ["/dev/c:/dev/x:r"]\n    secrets:\n      - source: t\n        target: /run/secrets/s\n    env_file: [{path: b.env, required: false}]\n',
  );
  assert.deepEqual(s.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(s.tmpfs, ['/run', '/tmp']);
  assert.deepEqual(s.devices, [{ source: '/dev/c', target: '/dev/x', permissions: 'r' }, { source: '/dev/b', target: '/dev/b', permissions: 'rwm' }]);
  assert.deepEqual(s.secrets, [{ source: 't', target: '/run/secrets/s' }, { source: 't', target: '/run/secrets/t' }]);
  assert.deepEqual(s.environment, { FROM_A: '1' }, 'a missing optional env file is skipped');
});

test('merge: ports and volumes by key, command replaced, environment merged whether list or map', () => {
  const s = merged(
    svc('    command: [a, b]\n    ports: ["8080:80", "9090:90"]\n    volumes: ["./a:/data", "/x"]\n    environment: [A=1, B=2]\n'),
    'services:\n  web:\n    command: c\n    ports: ["8080:80", "7070:70"]\n    volumes: ["./b:/data:ro"]\n    environment: {B: "3", C: "4"}\n',
  );
  assert.deepEqual(s.command, ['c']);
  assert.deepEqual(s.ports!.map((p) => `${p.published}:${p.target}`), ['8080:80', '9090:90', '7070:70']);
  assert.deepEqual(s.volumes!.map((v) => `${v.target}${v.read_only ? ':ro' : ''}`), ['/data:ro', '/x']);
  assert.ok(s.volumes![0]!.source!.endsWith('/b'));
  assert.deepEqual(s.environment, { A: '1', B: '3', C: '4' });
});

test('`berth config` prints docker compose\'s shape: key order, quoted numeric strings', () => {
  const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n    cpus: 0.5\n    command: echo hi\n    environment: [A=1]\n    deploy:\n      resources:\n        limits: {memory: 1m}\n' }, 'demo');
  const r = berth(['config'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    'name: demo', 'services:', '  web:', '    cpus: 0.5', '    command:', '      - echo', '      - hi', '    deploy:', '      resources:', '        limits:',
    '          memory: "1048576"', '    environment:', '      A: "1"', '    image: nginx', '    networks:', '      default: null', '    ports:',
    '      - mode: ingress', '        target: 80', '        published: "8080"', '        protocol: tcp', 'networks:', '  default:',
    '    name: demo_default', '',
  ].join('\n'));
});

test('group_add as strings, mem_swappiness and blkio rates as compose-go prints them', () => {
  const s = loadText(svc('    group_add: [100, wheel]\n    mem_swappiness: 60\n    blkio_config:\n      device_write_iops: [{path: /dev/sdb, rate: 1000}]\n      device_read_bps: [{rate: 12mb, path: /dev/sda}]\n      weight: "300"\n')).services.web!;
  assert.deepEqual(s.group_add, ['100', 'wheel']);
  assert.equal(s.mem_swappiness, '60');
  assert.deepEqual(s.blkio_config, {
    weight: 300,
    device_read_bps: [{ path: '/dev/sda', rate: String(12 * 1024 * 1024) }],
    device_write_iops: [{ path: '/dev/sdb', rate: '1000' }],
  });
  assert.deepEqual(Object.keys(s.blkio_config as object), ['weight', 'device_read_bps', 'device_write_iops']);
});

test('booleans written as strings take docker compose\'s words (from variables too)', () => {
  const s = loadText(svc('    privileged: "${PRIV}"\n    read_only: "on"\n    tty: "No"\n    init: "y"\n    stdin_open: "FALSE"\n'), {}, { PRIV: 'yes' }).services.web!;
  assert.deepEqual([s.privileged, s.read_only, s.tty, s.init, s.stdin_open], [true, true, false, true, false]);
});

test('build: string to context, keys in compose-go order, nested short forms expanded', () => {
  const dir = project({ 'compose.yaml': 'services:\n  web:\n    build:\n      x-b: 1\n      privileged: "true"\n      target: t\n      secrets: [s]\n      extra_hosts: ["a:1.2.3.4"]\n      ulimits: {nofile: 10}\n      args: [A=1, B]\n      dockerfile: D\n      context: ./c\n      shm_size: 1m\nsecrets:\n  s: {file: ./s}\n' });
  const b = load(dir).services.web!.build as Record<string, unknown>;
  assert.deepEqual(Object.keys(b), ['context', 'dockerfile', 'args', 'extra_hosts', 'target', 'secrets', 'shm_size', 'ulimits', 'privileged', 'x-b']);
  // A bare build arg whose variable is unset is left out (compose-go resolves build args without keeping empties).
  assert.deepEqual(b, { context: `${dir}/c`, dockerfile: 'D', args: { A: '1' }, extra_hosts: ['a=1.2.3.4'], target: 't', secrets: [{ source: 's' }], shm_size: '1048576', ulimits: { nofile: 10 }, privileged: true, 'x-b': 1 });
  const short = project({ 'compose.yaml': 'services:\n  web:\n    build: ./app\n' });
  assert.deepEqual(load(short).services.web!.build, { context: `${short}/app`, dockerfile: 'Dockerfile' });
});

test('extends merges each field by the same rules as -f files', () => {
  const s = loadText('services:\n  base:\n    image: x\n    command: [a, b]\n    ports: ["8080:80"]\n    environment: {A: "1", B: "2"}\n    dns: 1.1.1.1\n    logging: {driver: json-file, options: {max-size: 1m}}\n    labels: [l=1]\n  web:\n    extends: base\n    command: c d\n    ports: ["8080:80", "9090:90"]\n    environment: [B=3]\n    dns: [8.8.8.8]\n    logging: {driver: syslog}\n    labels: {m: "2"}\n').services.web!;
  assert.deepEqual(s.command, ['c', 'd']);
  assert.deepEqual(s.ports!.map((p) => p.published), ['8080', '9090']);
  assert.deepEqual(s.environment, { A: '1', B: '3' });
  assert.deepEqual(s.dns, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(s.logging, { driver: 'syslog' });
  assert.deepEqual(s.labels, { l: '1', m: '2' });
  assert.equal(s.image, 'x');
});

test('compose-go conformance: ":443:443" has no host IP; ${COMPOSE_PROJECT_NAME} is the project name; hooks are split; modes print in octal', async () => {
  const s = loadText(svc('    ports: [":443:443"]\n    labels:\n      p: ${COMPOSE_PROJECT_NAME}\n    post_start:\n      - command: echo "hi there"\n        environment: [X=1]\n'));
  assert.deepEqual(s.services.web!.ports, [{ mode: 'ingress', target: 443, published: '443', protocol: 'tcp' }]);
  assert.equal(s.services.web!.labels!.p, 'proj');
  assert.deepEqual(s.services.web!.post_start, [{ command: ['echo', 'hi there'], environment: { X: '1' } }]);
  const named = loadText(`name: Shop_App\n${svc('    labels:\n      p: ${COMPOSE_PROJECT_NAME}\n')}`);
  assert.equal(named.name, 'shop_app');
  assert.equal(named.services.web!.labels!.p, 'shop_app');
  assert.equal(loadText(svc('    labels:\n      p: ${COMPOSE_PROJECT_NAME}\n'), { projectName: 'given' }).services.web!.labels!.p, 'given');
  const { configDocument, toJson, toYaml } = await import('../../../src/compose/output.js');
  const withMode = loadText(svc('    configs:\n      - source: c\n        mode: 0440\n') + 'configs:\n  c:\n    content: x\n');
  assert.match(toYaml(configDocument(withMode)), /mode: "0440"/);
  assert.match(toJson(configDocument(withMode)), /"mode": "0440"/);
  assert.equal(withMode.services.web!.configs![0]!.mode, 0o440, 'the model keeps the number');
});

test('compose-go conformance: an empty image from an unset variable, and one container_name twice, are errors', () => {
  assert.match(errorOf('services:\n  a:\n    image: ${NOPE}\n'), /service "a" has neither an image nor a build context/);
  assert.match(errorOf('services:\n  a:\n    image: x\n    container_name: c\n  b:\n    image: y\n    container_name: c\n'), /services\.b\.container_name: container name "c" is already in use by service a/);
});

test('compose-go conformance: a lone word is an anonymous volume\'s target; an absolute bind source keeps its trailing slash', () => {
  const dir = project({ 'compose.yaml': svc('    volumes:\n      - data\n      - /etc/app/:/etc/app/\n      - ./rel/:/rel\n') });
  const v = load(dir).services.web!.volumes!;
  assert.deepEqual(v[0], { type: 'volume', target: 'data', volume: {} });
  assert.deepEqual(v[1], { type: 'bind', source: '/etc/app/', target: '/etc/app', bind: { create_host_path: true } });
  assert.equal(v[2]!.source, `${dir}/rel`, 'a relative source is joined and cleaned');
  // With a colon the target must still be absolute.
  assert.match(errorOf(svc('    volumes: ["data:rel"]\n')), /target "rel" must be an absolute path/);
});

test('compose-go conformance: `KEY =value` is an error; `healthcheck.disable: false` is left out', () => {
  assert.match(errorOf(svc('    environment:\n      - "A =x"\n')), /services\.web\.environment\[0\]: environment variable "A " is declared with a trailing space/);
  assert.deepEqual(loadText(svc('    environment:\n      - "A B=x"\n')).services.web!.environment, { 'A B': 'x' }, 'inner spaces pass, as in compose-go');
  assert.deepEqual(loadText(svc('    healthcheck:\n      disable: false\n')).services.web!.healthcheck, {});
  assert.deepEqual(loadText(svc('    healthcheck:\n      disable: true\n')).services.web!.healthcheck, { disable: true });
});

test('compose-go conformance: an empty or comment-only extra -f file adds nothing; all files empty is an error', () => {
  const dir = project({ 'compose.yaml': svc(''), 'empty.yaml': '', 'comments.yaml': '# nothing yet\n\n  # indented\n' });
  const r = berth(['-f', 'compose.yaml', '-f', 'empty.yaml', '-f', 'comments.yaml', 'config', '--services'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'web\n');
  const both = berth(['-f', 'empty.yaml', '-f', 'comments.yaml', 'config'], dir);
  assert.equal(both.status, 1);
  assert.match(both.stderr, /empty\.yaml:1:1: empty compose file/);
});

test('compose-go conformance: a number, boolean or float key is an error naming where it is; quoted, it is a string', () => {
  assert.match(errorOf('123:\n  foo:\n    image: busybox\n'), /:1:1: non-string key at top level: 123$/m);
  assert.match(errorOf('services:\n  foo:\n    image: busybox\n  123:\n    image: busybox\n'), /:4:3: non-string key in services: 123$/m);
  assert.match(errorOf('services:\n  foo:\n    image: x\nnetworks:\n  default:\n    ipam:\n      config:\n        - 123: oh dear\n'), /non-string key in networks\.default\.ipam\.config\[0\]: 123$/m);
  assert.match(errorOf(svc('    environment:\n      1: FOO\n')), /:5:7: non-string key in services\.web\.environment: 1$/m);
  assert.match(errorOf(svc('    labels: {true: x}\n')), /non-string key in services\.web\.labels: true$/m);
  assert.deepEqual(loadText(svc('    labels: {"1": x, on: y}\n')).services.web!.labels, { 1: 'x', on: 'y' });
});
