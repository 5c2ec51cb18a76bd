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
const strOrList: S = { oneOf: [str, strList] };
const scalar: S = { type: ['string', 'number', 'boolean', 'null'] };
const listOrDict: S = def('list_or_dict', {
  oneOf: [
    { type: 'object', patternProperties: { '.+': scalar }, additionalProperties: false },
    { type: 'array', items: str },
  ],
});
const command: S = def('command', { oneOf: [{ type: 'null' }, str, strList] });
const anyObj: S = { type: 'object' };

function obj(properties: S, required?: string[]): S {
  const o: S = { type: 'object', properties, patternProperties: X, additionalProperties: false };
  if (required) o.required = required;
  return o;
}
const mapOf = (v: S): S => ({ type: 'object', patternProperties: { '^[a-zA-Z0-9._-]+$': v }, additionalProperties: false });

const extraHosts: S = def('extra_hosts', {
  oneOf: [
    { type: 'object', patternProperties: { '.+': { oneOf: [str, strList] } }, additionalProperties: false },
    strList,
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
const resources = def('resources', obj({
  cpus: num, memory: str, pids: int,
  devices: { type: 'array', items: obj({ capabilities: strList, count: { type: ['string', 'integer'] }, device_ids: strList, driver: str, options: listOrDict }) },
  generic_resources: { type: 'array', items: anyObj },
}));
const deploy = def('deploy', obj({
  mode: str, endpoint_mode: str, replicas: int, labels: listOrDict,
  rollback_config: obj({ parallelism: int, delay: str, failure_action: str, monitor: str, max_failure_ratio: num, order: { type: 'string', enum: ['start-first', 'stop-first'] } }),
  update_config: obj({ parallelism: int, delay: str, failure_action: str, monitor: str, max_failure_ratio: num, order: { type: 'string', enum: ['start-first', 'stop-first'] } }),
  resources: obj({ limits: resources, reservations: resources }),
  restart_policy: obj({ condition: str, delay: str, max_attempts: int, window: str }),
  placement: obj({ constraints: strList, preferences: { type: 'array', items: obj({ spread: str }) }, max_replicas_per_node: int }),
}));
const build: S = def('build', {
  oneOf: [str, obj({
    context: str, dockerfile: str, dockerfile_inline: str, entitlements: strList, args: listOrDict, ssh: listOrDict,
    labels: listOrDict, cache_from: strList, cache_to: strList, no_cache: bool, additional_contexts: listOrDict,
    network: str, pull: bool, target: str, shm_size: { type: ['integer', 'string'] }, extra_hosts: extraHosts,
    isolation: str, privileged: bool, secrets: fileRefs, tags: strList, ulimits, platforms: strList, provenance: bool, sbom: bool,
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
      tmpfs: obj({ size: { type: ['integer', 'string'] }, mode: num }),
      image: obj({ subpath: str }),
    }, ['type']),
  ],
});
const dependsOn: S = {
  oneOf: [
    strList,
    {
      type: 'object',
      patternProperties: { '^[a-zA-Z0-9._-]+$': obj({ restart: bool, required: { type: 'boolean' }, condition: { type: 'string', enum: ['service_started', 'service_healthy', 'service_completed_successfully'] } }, ['condition']) },
      additionalProperties: false,
    },
  ],
};
const serviceNetworks: S = {
  oneOf: [
    strList,
    {
      type: 'object',
      patternProperties: {
        '^[a-zA-Z0-9._-]+$': {
          oneOf: [
            obj({ aliases: strList, interface_name: str, ipv4_address: str, ipv6_address: str, link_local_ips: strList, mac_address: str, driver_opts: listOrDict, priority: num, gw_priority: num }),
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
const lifecycleHook = obj({ command, user: str, privileged: bool, working_dir: str, environment: listOrDict }, ['command']);
const develop = obj({
  watch: {
    type: 'array',
    items: obj({ ignore: strOrList, include: strOrList, path: str, action: { type: 'string', enum: ['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'] }, target: str, exec: anyObj, initial_sync: bool }, ['path', 'action']),
  },
});

const service = def('service', obj({
  develop, deploy, annotations: listOrDict, attach: bool, build,
  blkio_config: obj({ device_read_bps: { type: 'array', items: blkioLimit }, device_read_iops: { type: 'array', items: blkioLimit }, device_write_bps: { type: 'array', items: blkioLimit }, device_write_iops: { type: 'array', items: blkioLimit }, weight: int, weight_device: { type: 'array', items: blkioWeight } }),
  cap_add: strList, cap_drop: strList, cgroup: { type: 'string', enum: ['host', 'private'] }, cgroup_parent: str,
  command, configs: fileRefs, container_name: str, cpu_count: int, cpu_percent: int, cpu_shares: num, cpu_quota: num,
  cpu_period: num, cpu_rt_period: num, cpu_rt_runtime: num, cpus: num, cpuset: str,
  credential_spec: obj({ config: str, file: str, registry: str }),
  depends_on: dependsOn, device_cgroup_rules: strList,
  devices: { type: 'array', items: { oneOf: [str, obj({ source: str, target: str, permissions: str }, ['source'])] } },
  dns: strOrList, dns_opt: strList, dns_search: strOrList, domainname: str, entrypoint: command,
  env_file: envFile, label_file: strOrList, environment: listOrDict,
  expose: { type: 'array', items: { type: ['string', 'number'] } },
  extends: { oneOf: [str, obj({ service: str, file: str }, ['service'])] },
  external_links: strList, extra_hosts: extraHosts, gpus: { oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: anyObj }] },
  group_add: { type: 'array', items: { type: ['string', 'number'] } }, healthcheck, hostname: str, image: str, init: bool,
  ipc: str, isolation: str, labels: listOrDict, links: strList, logging, mac_address: str,
  mem_limit: { type: ['number', 'string'] }, mem_reservation: { type: ['integer', 'string'] }, mem_swappiness: int,
  memswap_limit: { type: ['number', 'string'] }, network_mode: str, networks: serviceNetworks,
  oom_kill_disable: bool, oom_score_adj: int, pid: { type: ['string', 'null'] }, pids_limit: num, platform: str,
  ports: { type: 'array', items: port }, post_start: { type: 'array', items: lifecycleHook }, pre_stop: { type: 'array', items: lifecycleHook },
  privileged: bool, profiles: strList, provider: obj({ type: str, options: anyObj }, ['type']),
  pull_policy: str, pull_refresh_after: str, read_only: bool, restart: str, runtime: str, scale: int,
  security_opt: strList, shm_size: { type: ['number', 'string'] }, secrets: fileRefs, sysctls: listOrDict, stdin_open: bool,
  stop_grace_period: str, stop_signal: str, storage_opt: anyObj, tmpfs: strOrList, tty: bool, ulimits,
  use_api_socket: bool, user: str, uts: str, userns_mode: str, volumes: { type: 'array', items: volume },
  volumes_from: strList, working_dir: str, models: { oneOf: [strList, anyObj] },
}));

const external: S = { type: ['boolean', 'string', 'object'] };
const network = def('network', { oneOf: [{ type: 'null' }, obj({
  name: str, driver: str, driver_opts: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number'] } } },
  ipam: obj({
    driver: str,
    config: { type: 'array', items: obj({ subnet: str, ip_range: str, gateway: str, aux_addresses: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false } }) },
    options: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false },
  }),
  external, internal: bool, enable_ipv4: bool, enable_ipv6: bool, attachable: bool, labels: listOrDict,
})] });
const volumeTop = { oneOf: [{ type: 'null' }, obj({
  name: str, driver: str, driver_opts: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number'] } } },
  external, labels: listOrDict,
})] };
const fileObj = obj({ name: str, content: str, environment: str, file: str, external, labels: listOrDict, driver: str, driver_opts: anyObj, template_driver: str });
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
    secrets: mapOf(fileObj),
    configs: mapOf(fileObj),
    models: anyObj,
  },
  patternProperties: X,
  additionalProperties: false,
  definitions,
};
