// Every invalid project: one line naming file:line:col (when there is one),
// the path in the model, and what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf } from './helpers.js';

const cases: Array<[string, string, RegExp]> = [
  ['unknown key', 'services:\n  web:\n    imagee: x\n', /^compose\.yaml:3:5: services\.web: additional property "imagee" is not allowed$/],
  ['unknown top-level key', 'servics:\n  web:\n    image: x\n', /^compose\.yaml:1:1: additional property "servics" is not allowed$/],
  ['invalid port', 'services:\n  web:\n    image: x\n    ports:\n      - "80:80:80:80"\n', /^compose\.yaml:5:9: services\.web\.ports\[0\]: invalid port "80:80:80:80"/],
  ['port out of range', 'services:\n  web:\n    image: x\n    ports: ["70000:80"]\n', /^compose\.yaml:4:13: services\.web\.ports\[0\]: invalid port "70000:80": host port 70000 is out of range/],
  ['long port without target', 'services:\n  web:\n    image: x\n    ports:\n      - published: 80\n', /^compose\.yaml:5:9: services\.web\.ports\[0\]: (missing required property "target"|expected)/],
  ['duplicate key', 'services:\n  web:\n    image: x\n    image: y\n', /^compose\.yaml:4:5: invalid YAML: duplicate key "image"$/],
  ['duplicate service', 'services:\n  web:\n    image: x\n  web:\n    image: y\n', /^compose\.yaml:4:3: invalid YAML: duplicate key "web"$/],
  ['tab indentation', 'services:\n  web:\n\timage: x\n', /^compose\.yaml:3:1: invalid YAML: Tabs are not allowed/],
  ['YAML syntax', 'services:\n  web:\n    image: [1\n', /^compose\.yaml:\d+:\d+: invalid YAML: /],
  ['unknown alias', 'services:\n  web: *nope\n', /^compose\.yaml:2:8: invalid YAML: .*nope/],
  ['empty file', '', /^compose\.yaml:1:1: empty compose file$/],
  ['comments only', '# nothing here\n', /^compose\.yaml:1:1: empty compose file$/],
  ['not a mapping', '- a\n- b\n', /^compose\.yaml:1:1: top-level object must be a mapping$/],
  ['wrong type: ports', 'services:\n  web:\n    image: x\n    ports: 80\n', /^compose\.yaml:4:12: services\.web\.ports: expected a list, got a number \(80\)$/],
  ['wrong type: service', 'services:\n  web: 12\n', /^compose\.yaml:2:8: services\.web: expected a mapping, got a number \(12\)$/],
  ['wrong type: build', 'services:\n  web:\n    build: 12\n', /^compose\.yaml:3:12: services\.web\.build: expected a string or a mapping, got a number \(12\)$/],
  ['wrong type: environment value', 'services:\n  web:\n    image: x\n    environment:\n      A: {b: 1}\n', /^compose\.yaml:5:10: services\.web\.environment\.A: expected a string, a number, a boolean or null/],
  ['wrong enum', 'services:\n  web:\n    image: x\n    depends_on:\n      db:\n        condition: service_ready\n  db:\n    image: y\n', /^compose\.yaml:6:20: services\.web\.depends_on\.db\.condition: expected one of "service_started", "service_healthy", "service_completed_successfully", got a string "service_ready"$/],
  ['missing condition', 'services:\n  web:\n    image: x\n    depends_on:\n      db: {}\n  db:\n    image: y\n', /^compose\.yaml:5:11: services\.web\.depends_on\.db: missing required property "condition"$/],
  ['invalid service name', 'services:\n  "we b":\n    image: x\n', /^compose\.yaml:2:3: services: invalid name "we b"/],
  ['required variable', 'services:\n  web:\n    image: ${X:?X must be set}\n', /^compose\.yaml:3:12: services\.web\.image: required variable X is missing a value: X must be set$/],
  ['bad interpolation', 'services:\n  web:\n    image: "${X"\n', /^compose\.yaml:3:12: services\.web\.image: invalid interpolation format/],
  ['dependency cycle', 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n', /^compose\.yaml:\d+:\d+: services\.\w\.depends_on\.\w: dependency cycle: (a -> b -> a|b -> a -> b)$/],
  ['longer cycle', 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n', /dependency cycle: a -> b -> c -> a/],
  ['self dependency', 'services:\n  a:\n    image: x\n    depends_on: [a]\n', /services\.a\.depends_on\.a: service "a" depends on itself/],
  ['unknown depends_on', 'services:\n  a:\n    image: x\n    depends_on: [c]\n', /^compose\.yaml:4:18: services\.a\.depends_on\.c: depends_on refers to undefined service "c"$/],
  ['unknown links', 'services:\n  a:\n    image: x\n    links: ["db:database"]\n', /services\.a\.links\[0\]: links refers to undefined service "db"/],
  ['unknown volumes_from', 'services:\n  a:\n    image: x\n    volumes_from: [nope]\n', /services\.a\.volumes_from\[0\]: volumes_from refers to undefined service "nope"/],
  ['unknown network_mode service', 'services:\n  a:\n    image: x\n    network_mode: "service:nope"\n', /services\.a\.network_mode: network_mode refers to undefined service "nope"/],
  ['unknown extends', 'services:\n  a:\n    extends: nope\n', /services\.a\.extends: cannot extend service "nope"/],
  ['unknown network', 'services:\n  a:\n    image: x\n    networks: [nope]\n', /^compose\.yaml:4:16: services\.a\.networks\.nope: undefined network "nope"$/],
  ['unknown volume', 'services:\n  a:\n    image: x\n    volumes: ["nope:/x"]\n', /services\.a\.volumes\[0\]: undefined volume "nope"/],
  ['unknown secret', 'services:\n  a:\n    image: x\n    secrets: [s]\n', /services\.a\.secrets\[0\]: undefined secret "s"/],
  ['unknown config', 'services:\n  a:\n    image: x\n    configs: [c]\n', /services\.a\.configs\[0\]: undefined config "c"/],
  ['container_name with scale', 'services:\n  a:\n    image: x\n    container_name: c\n    scale: 2\n', /services\.a\.container_name: container_name "c" cannot be used with 2 replicas/],
  ['container_name with replicas', 'services:\n  a:\n    image: x\n    container_name: c\n    deploy:\n      replicas: 3\n', /cannot be used with 3 replicas/],
  ['unknown pid service', 'services:\n  a:\n    image: x\n    pid: "service:nope"\n', /^compose\.yaml:4:10: services\.a\.pid: pid refers to undefined service "nope"$/],
  ['invalid ipc mode', 'services:\n  a:\n    image: x\n    ipc: sharable\n', /^compose\.yaml:4:10: services\.a\.ipc: invalid ipc mode "sharable": expected host, private, shareable, none, service:NAME or container:NAME$/],
  ['ipc of itself', 'services:\n  a:\n    image: x\n    ipc: "service:a"\n', /services\.a\.ipc: ipc "service:a": a service cannot share its own namespace/],
  ['invalid uts mode', 'services:\n  a:\n    image: x\n    uts: private\n', /services\.a\.uts: invalid uts mode "private": only "host" is supported/],
  ['pid cycle', 'services:\n  a:\n    image: x\n    pid: "service:b"\n  b:\n    image: x\n    ipc: "service:a"\n', /dependency cycle: (a -> b -> a|b -> a -> b)/],
  ['invalid pull_policy duration', 'services:\n  a:\n    image: x\n    pull_policy: every_12\n', /^compose\.yaml:4:18: services\.a\.pull_policy: invalid pull_policy "every_12"/],
  ['network_mode with networks', 'services:\n  a:\n    image: x\n    network_mode: host\n    networks: [default]\n', /services\.a\.network_mode: network_mode and networks cannot be combined/],
  ['scale vs replicas', 'services:\n  a:\n    image: x\n    scale: 2\n    deploy:\n      replicas: 3\n', /services\.a\.scale: scale \(2\) and deploy\.replicas \(3\) differ/],
  ['bad volume', 'services:\n  a:\n    image: x\n    volumes: ["./a:rel"]\n', /services\.a\.volumes\[0\]: invalid volume "\.\/a:rel": target "rel" must be an absolute path/],
  ['bad duration', 'services:\n  a:\n    image: x\n    healthcheck:\n      interval: 10 s\n', /^compose\.yaml:5:17: services\.a\.healthcheck\.interval: invalid duration "10 s"/],
  ['bad stop_grace_period', 'services:\n  a:\n    image: x\n    stop_grace_period: forever\n', /services\.a\.stop_grace_period: invalid duration "forever"/],
  ['bad byte size', 'services:\n  a:\n    image: x\n    mem_limit: 12zb\n', /^compose\.yaml:4:16: services\.a\.mem_limit: invalid byte size "12zb"/],
  ['bad restart', 'services:\n  a:\n    image: x\n    restart: sometimes\n', /services\.a\.restart: invalid restart policy "sometimes"/],
  ['bad boolean', 'services:\n  a:\n    image: x\n    privileged: maybe\n', /services\.a\.privileged: expected a boolean/],
  ['bad integer', 'services:\n  a:\n    image: x\n    scale: lots\n', /services\.a\.scale: expected an integer/],
  ['oom_score_adj range', 'services:\n  a:\n    image: x\n    oom_score_adj: 2000\n', /services\.a\.oom_score_adj: 2000 is out of range -1000\.\.1000/],
  ['bad healthcheck test', 'services:\n  a:\n    image: x\n    healthcheck:\n      test: ["curl", "x"]\n', /services\.a\.healthcheck\.test\[0\]: test must start with "CMD", "CMD-SHELL" or "NONE"/],
  ['unterminated quote in command', 'services:\n  a:\n    image: x\n    command: echo "oops\n', /services\.a\.command: unterminated double quote/],
  ['bad container_name', 'services:\n  a:\n    image: x\n    container_name: "-x"\n', /invalid container name "-x"/],
  ['bad extra host', 'services:\n  a:\n    image: x\n    extra_hosts: ["nohostip"]\n', /services\.a\.extra_hosts\[0\]: invalid extra host "nohostip"/],
  ['bad profile name', 'services:\n  a:\n    image: x\n    profiles: ["-bad"]\n', /services\.a\.profiles\[0\]: invalid profile name "-bad"/],
  ['external with driver', 'networks:\n  n:\n    external: true\n    driver: bridge\nservices: {}\n', /networks\.n\.driver: "external" cannot be combined with "driver"/],
  ['secret without source', 'secrets:\n  s: {}\nservices: {}\n', /secrets\.s: exactly one of "file", "environment", "content" or "external" must be set/],
  ['neither image nor build', 'services:\n  a:\n    hostname: h\n', /^compose\.yaml:2:3: services\.a: service "a" has neither an image nor a build context$/],
  ['__proto__ key', 'services:\n  __proto__:\n    image: x\n', /key "__proto__" is not allowed/],
  ['invalid project name key', 'name: "!!!"\nservices: {}\n', /^compose\.yaml:1:7: name: invalid project name "!!!"/],
];

for (const [name, text, expected] of cases) {
  test(`invalid: ${name}`, () => {
    const msg = errorOf(text);
    assert.notEqual(msg, '', 'expected an error');
    assert.ok(!msg.includes('\n'), `one line: ${msg}`);
    assert.match(msg, expected);
  });
}

test('an alias bomb is refused, not expanded', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
  const msg = errorOf(lines.join('\n') + '\nservices: {}\n');
  assert.match(msg, /too many nodes|alias/);
});

test('deep nesting is refused', () => {
  const msg = errorOf('x-deep: ' + '['.repeat(300) + ']'.repeat(300) + '\nservices: {}\n');
  assert.match(msg, /nested too deeply|invalid YAML/);
});
