// The Compose file's JSON schema (draft-07), written for berth from the
// Compose Specification's reference pages (services, networks, volumes,
// configs, secrets, include, deploy, develop, build). Strings are accepted
// wherever a number or boolean may come from an interpolated variable, as the
// official schema does; the normalizer converts them. The semantic checks
// that a schema cannot express live in ../semantic.ts.
type S = Record<string, unknown>;

// Shared pieces live in `definitions` and are referenced, so that the
// generated validator has one function per piece instead of copies.
const definitions: Record<string, S> = {};
function def(name: string, schema: S): S {
  definitions[name] = schema;
  return { $ref: `#/definitions/${name}` };
}

const X = { '^x-': {} };
const str: S = { type: 'string' };
const num: S = { type: ['number', 'string'] };
const int: S = { type: ['integer', 'string'] };
const bool: S = { type: ['boolean', 'string'] };
const strList: S = { type: 'array', items: str };
// Lists whose entries must be distinct, as the specification's schema says
// (duplicate capabilities, links, aliases, profiles... are errors).
const uniqList: S = { type: 'array', items: str, uniqueItems: true };
const strOrList: S = { oneOf: [str, uniqList] };
const strOrNum: S = { type: ['string', 'number'] };
const scalar: S = { type: ['string', 'number', 'boolean', 'null'] };
// KEY=VALUE lists become mappings: a "__proto__" key would be dropped (or
// worse), so it is refused here as it is in YAML mappings.
const NO_PROTO = '^(?!__proto__([=:]|$))';
const listOrDict: S = def('list_or_dict', {
  oneOf: [
    { type: 'object', patternProperties: { '.+': scalar }, additionalProperties: false },
    { type: 'array', items: { type: 'string', pattern: NO_PROTO }, uniqueItems: true },
  ],
});
// driver_opts-style maps: any key, a string or number value.
const opts: S = { type: 'object', patternProperties: { '^.+$': strOrNum } };
const command: S = def('command', { oneOf: [{ type: 'null' }, str, strList] });
const anyObj: S = { type: 'object' };

function obj(properties: S, required?: string[]): S {
  const o: S = { type: 'object', properties, patternProperties: X, additionalProperties: false };
  if (required) o.required = required;
  return o;
}
// `deploy:` or `develop:` with nothing under it is allowed (null).
function nullable(o: S): S {
  return { ...o, type: ['object', 'null'] };
}
const mapOf = (v: S): S => ({ type: 'object', patternProperties: { '^[a-zA-Z0-9._-]+$': v }, additionalProperties: false });

const extraHosts: S = def('extra_hosts', {
  oneOf: [
    { type: 'object', patternProperties: { '.+': { oneOf: [str, strList] } }, additionalProperties: false },
    { type: 'array', items: { type: 'string', pattern: NO_PROTO }, uniqueItems: true },
  ],
});
const ulimits: S = def('ulimits', {
  type: 'object',
  patternProperties: {
    '^[a-z]+$': { oneOf: [int, obj({ hard: int, soft: int }, ['soft', 'hard'])] },
  },
  additionalProperties: false,
});
const fileRefs: S = def('file_refs', {
  type: 'array',
  items: { oneOf: [str, obj({ source: str, target: str, uid: str, gid: str, mode: num })] },
});
const blkioLimit = obj({ path: str, rate: int });
const blkioWeight = obj({ path: str, weight: int });
// Limits take cpus/memory/pids; reservations take cpus/memory, devices and
// generic resources (no pids), as in the specification.
const deviceRequest = { capabilities: uniqList, count: { type: ['string', 'integer'] }, device_ids: uniqList, driver: str, options: listOrDict };
const limits = def('resource_limits', obj({ cpus: num, memory: str, pids: int }));
const reservations = def('resource_reservations', obj({
  cpus: num, memory: str,
  devices: { type: 'array', items: obj(deviceRequest, ['capabilities']) },
  generic_resources: { type: 'array', items: obj({ discrete_resource_spec: obj({ kind: str, value: num }) }) },
}));
const deploy = def('deploy', nullable(obj({
  mode: str, endpoint_mode: str, replicas: int, labels: listOrDict,
  rollback_config: obj({ parallelism: int, delay: str, failure_action: str, monitor: str, max_failure_ratio: num, order: { type: 'string', enum: ['start-first', 'stop-first'] } }),
  update_config: obj({ parallelism: int, delay: str, failure_action: str, monitor: str, max_failure_ratio: num, order: { type: 'string', enum: ['start-first', 'stop-first'] } }),
  resources: obj({ limits, reservations }),
  restart_policy: obj({ condition: str, delay: str, max_attempts: int, window: str }),
  placement: obj({ constraints: strList, preferences: { type: 'array', items: obj({ spread: str }) }, max_replicas_per_node: int }),
})));
const build: S = def('build', {
  oneOf: [str, obj({
    context: str, dockerfile: str, dockerfile_inline: str, entitlements: strList, args: listOrDict, ssh: listOrDict,
    labels: listOrDict, cache_from: strList, cache_to: strList, no_cache: bool, additional_contexts: listOrDict,
    network: str, pull: bool, target: str, shm_size: { type: ['integer', 'string'] }, extra_hosts: extraHosts,
    isolation: str, privileged: bool, secrets: fileRefs, tags: strList, ulimits, platforms: strList,
    // Newer compose-go/buildx attestation switches: a boolean or a string.
    provenance: bool, sbom: bool,
  })],
});
const healthcheck = obj({
  disable: bool, interval: str, retries: num, test: { oneOf: [str, strList] }, timeout: str, start_period: str, start_interval: str,
});
const port: S = def('port', {
  oneOf: [
    { type: 'number' },
    str,
    obj({
      name: str, mode: str, host_ip: str, target: int, published: { type: ['string', 'integer'] },
      protocol: str, app_protocol: str,
    }, ['target']),
  ],
});
const volume: S = def('service_volume', {
  oneOf: [
    str,
    obj({
      type: { type: 'string', enum: ['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'] },
      source: str, target: str, read_only: bool, consistency: str,
      bind: obj({ propagation: str, create_host_path: bool, recursive: { type: 'string', enum: ['enabled', 'disabled', 'writable', 'readonly'] }, selinux: { type: 'string', enum: ['z', 'Z'] } }),
      volume: obj({ labels: listOrDict, nocopy: bool, subpath: str }),
      tmpfs: obj({ size: { oneOf: [{ type: 'integer', minimum: 0 }, str] }, mode: num }),
      image: obj({ subpath: str }),
    }, ['type']),
  ],
});
const dependsOn: S = {
  oneOf: [
    uniqList,
    {
      type: 'object',
      patternProperties: { '^[a-zA-Z0-9._-]+$': obj({ restart: bool, required: { type: 'boolean' }, condition: { type: 'string', enum: ['service_started', 'service_healthy', 'service_completed_successfully'] } }, ['condition']) },
      additionalProperties: false,
    },
  ],
};
const serviceNetworks: S = {
  oneOf: [
    uniqList,
    {
      type: 'object',
      patternProperties: {
        '^[a-zA-Z0-9._-]+$': {
          oneOf: [
            obj({ aliases: uniqList, interface_name: str, ipv4_address: str, ipv6_address: str, link_local_ips: uniqList, mac_address: str, driver_opts: opts, priority: { type: 'number' }, gw_priority: { type: 'number' } }),
            { type: 'null' },
          ],
        },
      },
      additionalProperties: false,
    },
  ],
};
const envFile: S = {
  oneOf: [str, { type: 'array', items: { oneOf: [str, obj({ path: str, format: str, required: { type: ['boolean', 'string'] } }, ['path'])] } }],
};
const logging = obj({ driver: str, options: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number', 'null'] } } } });
const lifecycleHook = def('service_hook', obj({ command, user: str, privileged: bool, working_dir: str, environment: listOrDict }, ['command']));
const develop = nullable(obj({
  watch: {
    type: 'array',
    items: obj({ ignore: strOrList, include: strOrList, path: str, action: { type: 'string', enum: ['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'] }, target: str, exec: lifecycleHook, initial_sync: bool }, ['path', 'action']),
  },
}));
// Values a provider's options may take: scalars or lists of scalars.
const providerValue: S = { oneOf: [{ type: ['string', 'number', 'boolean'] }, { type: 'array', items: { type: ['string', 'number', 'boolean'] } }] };
const gpus: S = {
  oneOf: [
    { type: 'string', enum: ['all'] },
    { type: 'array', items: { type: 'object', properties: deviceRequest } },
  ],
};
const serviceModels: S = {
  oneOf: [uniqList, { type: 'object', patternProperties: { '^[a-zA-Z0-9._-]+$': obj({ endpoint_var: str }) } }],
};
// The value itself is checked by the normalizer, whose error names the accepted forms.
const pullPolicy: S = { type: 'string' };

const service = def('service', obj({
  develop, deploy, annotations: listOrDict, attach: bool, build,
  blkio_config: obj({ device_read_bps: { type: 'array', items: blkioLimit }, device_read_iops: { type: 'array', items: blkioLimit }, device_write_bps: { type: 'array', items: blkioLimit }, device_write_iops: { type: 'array', items: blkioLimit }, weight: int, weight_device: { type: 'array', items: blkioWeight } }),
  cap_add: uniqList, cap_drop: uniqList, cgroup: { type: 'string', enum: ['host', 'private'] }, cgroup_parent: str,
  command, configs: fileRefs, container_name: str, cpu_count: int, cpu_percent: int, cpu_shares: num, cpu_quota: num,
  cpu_period: num, cpu_rt_period: num, cpu_rt_runtime: num, cpus: num, cpuset: str,
  credential_spec: obj({ config: str, file: str, registry: str }),
  depends_on: dependsOn, device_cgroup_rules: uniqList,
  devices: { type: 'array', items: { oneOf: [str, obj({ source: str, target: str, permissions: str }, ['source'])] } },
  dns: strOrList, dns_opt: uniqList, dns_search: strOrList, domainname: str, entrypoint: command,
  env_file: envFile, label_file: strOrList, environment: listOrDict,
  expose: { type: 'array', items: strOrNum, uniqueItems: true },
  extends: { oneOf: [str, obj({ service: str, file: str }, ['service'])] },
  external_links: uniqList, extra_hosts: extraHosts, gpus,
  group_add: { type: 'array', items: strOrNum, uniqueItems: true }, healthcheck, hostname: str, image: str, init: bool,
  ipc: str, isolation: str, labels: listOrDict, links: uniqList, logging, mac_address: str,
  mem_limit: { type: ['number', 'string'] }, mem_reservation: { type: ['integer', 'string'] }, mem_swappiness: int,
  memswap_limit: { type: ['number', 'string'] }, network_mode: str, networks: serviceNetworks,
  oom_kill_disable: bool, oom_score_adj: int, pid: { type: ['string', 'null'] }, pids_limit: num, platform: str,
  ports: { type: 'array', items: port, uniqueItems: true }, post_start: { type: 'array', items: lifecycleHook }, pre_stop: { type: 'array', items: lifecycleHook },
  privileged: bool, profiles: uniqList, provider: obj({ type: str, options: { type: 'object', patternProperties: { '^.+$': providerValue } } }, ['type']),
  pull_policy: pullPolicy, pull_refresh_after: str, read_only: bool, restart: str, runtime: str, scale: int,
  security_opt: uniqList, shm_size: { type: ['number', 'string'] }, secrets: fileRefs, sysctls: listOrDict, stdin_open: bool,
  stop_grace_period: str, stop_signal: str, storage_opt: anyObj, tmpfs: strOrList, tty: bool, ulimits,
  use_api_socket: { type: 'boolean' }, user: str, uts: str, userns_mode: str, volumes: { type: 'array', items: volume, uniqueItems: true },
  volumes_from: uniqList, working_dir: str, models: serviceModels,
}));

// `external: true`, or the legacy `external: {name: ...}` form.
const external: S = { type: ['boolean', 'string', 'object'], properties: { name: str }, patternProperties: X, additionalProperties: false };
const network = def('network', { oneOf: [{ type: 'null' }, obj({
  name: str, driver: str, driver_opts: opts,
  ipam: obj({
    driver: str,
    config: { type: 'array', items: obj({ subnet: str, ip_range: str, gateway: str, aux_addresses: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false } }) },
    options: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false },
  }),
  external, internal: bool, enable_ipv4: bool, enable_ipv6: bool, attachable: bool, labels: listOrDict,
})] });
const volumeTop = { oneOf: [{ type: 'null' }, obj({
  name: str, driver: str, driver_opts: opts,
  external, labels: listOrDict,
})] };
// Secrets take a driver but no inline content; configs take inline content
// but no driver, as in the specification.
const secret = obj({ name: str, environment: str, file: str, external, labels: listOrDict, driver: str, driver_opts: opts, template_driver: str });
const config = obj({ name: str, content: str, environment: str, file: str, external, labels: listOrDict, template_driver: str });
const model = obj({ name: str, model: str, context_size: { type: 'integer' }, runtime_flags: strList }, ['model']);
const include: S = {
  oneOf: [str, obj({ path: strOrList, env_file: strOrList, project_directory: str }, ['path'])],
};

export const composeSchema: S = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    version: str,
    name: str,
    include: { type: 'array', items: include },
    services: mapOf(service),
    networks: mapOf(network),
    volumes: mapOf(volumeTop),
    secrets: mapOf(secret),
    configs: mapOf(config),
    models: mapOf(model),
  },
  patternProperties: X,
  additionalProperties: false,
  definitions,
};
