// Schema conformance: each case is a point where the Compose Specification's
// schema accepts or refuses something, re-expressed as a small file. Valid
// files must load; invalid ones give one positioned line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, loadText } from './helpers.js';
import type { Project } from '../../../src/compose/model.js';

const svc = (body: string) => `services:\n  web:\n    image: x\n${body}`;

const valid: Array<[string, string]> = [
  ['deploy: null', svc('    deploy:\n')],
  ['develop: null', svc('    develop:\n')],
  ['deploy limits and reservations', svc('    deploy:\n      resources:\n        limits: {cpus: 0.5, memory: 50M, pids: 10}\n        reservations:\n          memory: 20M\n          devices:\n            - capabilities: [gpu]\n              count: all\n          generic_resources:\n            - discrete_resource_spec: {kind: ssd, value: 1}\n')],
  ['gpus as device requests', svc('    gpus:\n      - driver: nvidia\n        count: 2\n        capabilities: [gpu]\n')],
  ['provider options scalars and lists', svc('    provider:\n      type: model\n      options:\n        model: ai/x\n        flags: [a, 1, true]\n')],
  ['service models as list and map', svc('    models: [m]\n') + 'models:\n  m:\n    model: ai/smollm2\n    context_size: 1024\n    runtime_flags: ["--x"]\n'],
  ['service models map with endpoint_var', svc('    models:\n      m: {endpoint_var: URL}\n') + 'models:\n  m: {model: ai/x}\n'],
  ['watch exec hook', svc('    develop:\n      watch:\n        - path: .\n          action: sync+exec\n          target: /app\n          exec:\n            command: ["echo", "hi"]\n            user: root\n')],
  ['network driver_opts numbers', svc('    networks:\n      back:\n        driver_opts: {mtu: 1400}\n        priority: 5\n        gw_priority: 1\n') + 'networks:\n  back:\n'],
  ['external with legacy name', svc('    volumes: [data:/d]\n') + 'volumes:\n  data:\n    external:\n      name: real\n'],
  ['pull_policy refresh', svc('    pull_policy: refresh\n')],
  ['pull_policy every_1h30m', svc('    pull_policy: every_1h30m\n')],
  ['oom_score_adj as string', svc('    oom_score_adj: "-500"\n')],
  ['cpu_percent as string', svc('    cpu_percent: "50"\n')],
  ['config with content', svc('    configs: [c]\n') + 'configs:\n  c:\n    content: hello\n'],
  ['secret from environment', svc('    secrets: [s]\n') + 'secrets:\n  s:\n    environment: TOKEN\n'],
  ['x- extensions in nested mappings', svc('    deploy:\n      x-a: 1\n      resources:\n        x-b: 2\n    ports:\n      - target: 80\n        x-c: 3\n')],
  ['ports: numbers, strings and long form', svc('    ports:\n      - 80\n      - "8080:80"\n      - target: 81\n        published: "9000-9001"\n        host_ip: "::1"\n        protocol: udp\n        mode: host\n        name: web\n        app_protocol: http\n')],
];

for (const [name, text] of valid) {
  test(`schema accepts: ${name}`, () => {
    assert.equal(errorOf(text), '');
  });
}

const invalid: Array<[string, string, RegExp]> = [
  ['duplicate depends_on list', svc('    depends_on: [db, db]\n') + '  db:\n    image: y\n', /services\.web\.depends_on\[1\]: duplicate entry "db"/],
  ['deploy limits take no devices', svc('    deploy:\n      resources:\n        limits:\n          devices: []\n'), /^compose\.yaml:7:11: services\.web\.deploy\.resources\.limits: additional property "devices" is not allowed$/],
  ['deploy reservations take no pids', svc('    deploy:\n      resources:\n        reservations:\n          pids: 3\n'), /services\.web\.deploy\.resources\.reservations: additional property "pids" is not allowed/],
  ['device reservation needs capabilities', svc('    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n'), /services\.web\.deploy\.resources\.reservations\.devices\[0\]: missing required property "capabilities"/],
  ['generic resources shape', svc('    deploy:\n      resources:\n        reservations:\n          generic_resources:\n            - kind: gpu\n'), /generic_resources\[0\]: additional property "kind" is not allowed/],
  ['pull_policy unknown', svc('    pull_policy: sometimes\n'), /^compose\.yaml:4:18: services\.web\.pull_policy: invalid pull_policy "sometimes": expected always, never, missing/],
  ['use_api_socket must be a boolean', svc('    use_api_socket: "yes"\n'), /services\.web\.use_api_socket: expected a boolean, got a string "yes"/],
  ['network priority must be a number', svc('    networks:\n      default:\n        priority: high\n'), /services\.web\.networks\.default\.priority: expected a number/],
  ['network driver_opts values are scalars', svc('    networks:\n      default:\n        driver_opts: {a: [1]}\n'), /services\.web\.networks\.default\.driver_opts\.a: expected a string or a number, got a list/],
  ['secret takes no content', svc('    secrets: [s]\n') + 'secrets:\n  s:\n    content: x\n', /^compose\.yaml:7:5: secrets\.s: additional property "content" is not allowed$/],
  ['config takes no driver', svc('    configs: [c]\n') + 'configs:\n  c:\n    file: ./c\n    driver: x\n', /configs\.c: additional property "driver" is not allowed/],
  ['external takes only name', svc('    volumes: [data:/d]\n') + 'volumes:\n  data:\n    external:\n      id: 1\n', /volumes\.data\.external: additional property "id" is not allowed/],
  ['model needs model', svc('') + 'models:\n  m:\n    name: x\n', /^compose\.yaml:\d+:\d+: models\.m: missing required property "model"$/],
  ['model context_size integer', svc('') + 'models:\n  m:\n    model: a\n    context_size: big\n', /models\.m\.context_size: expected an integer/],
  ['provider option values', svc('    provider:\n      type: t\n      options:\n        a: {b: 1}\n'), /services\.web\.provider\.options\.a: expected/],
  ['service models entries', svc('    models:\n      m: {url: x}\n'), /services\.web\.models\.m: additional property "url" is not allowed/],
  ['watch exec needs command', svc('    develop:\n      watch:\n        - path: .\n          action: sync+exec\n          exec: {user: root}\n'), /services\.web\.develop\.watch\[0\]\.exec: missing required property "command"/],
  ['tmpfs size not negative', svc('    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs: {size: -1}\n'), /services\.web\.volumes\[0\]\.tmpfs\.size: must be >= 0, got -1/],
  ['cpu_percent range', svc('    cpu_percent: 150\n'), /services\.web\.cpu_percent: 150 is out of range 0\.\.100/],
];

// compose-go keeps one entry per key in these sequences before it validates
// (the later entry wins, in the place of the first), so docker compose
// accepts what the schema's uniqueItems alone would refuse.
const deduplicated: Array<[string, string, (p: Project) => unknown, unknown]> = [
  ['cap_add', svc('    cap_add: [NET_ADMIN, SYS_TIME, NET_ADMIN]\n'), (p) => p.services.web!.cap_add, ['NET_ADMIN', 'SYS_TIME']],
  ['profiles', svc('    profiles: [a, a]\n'), (p) => p.disabledServices, ['web']],
  ['ports', svc('    ports: ["80:80", "80:80"]\n'), (p) => p.services.web!.ports!.length, 1],
  ['long-form volumes (by target)', svc('    volumes:\n      - {type: tmpfs, target: /t}\n      - {type: tmpfs, target: /t, read_only: true}\n'), (p) => p.services.web!.volumes, [{ type: 'tmpfs', target: '/t', read_only: true }]],
  ['environment (by key, the later value)', svc('    environment: [A=1, B=2, A=3]\n'), (p) => p.services.web!.environment, { A: '3', B: '2' }],
  ['aliases', svc('    networks:\n      default:\n        aliases: [a, a]\n'), (p) => p.services.web!.networks!.default!.aliases, ['a']],
  ['expose', svc('    expose: [80, 80]\n'), (p) => p.services.web!.expose, ['80']],
];

for (const [name, text, get, want] of deduplicated) {
  test(`repeated entries are kept once: ${name}`, () => {
    assert.deepEqual(get(loadText(text)), want);
  });
}

for (const [name, text, re] of invalid) {
  test(`schema refuses: ${name}`, () => {
    const msg = errorOf(text);
    assert.match(msg, re);
    assert.ok(!msg.includes('\n'), 'one line');
  });
}
