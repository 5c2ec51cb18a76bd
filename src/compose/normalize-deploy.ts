// `deploy:` and `blkio_config:` normalized as docker compose prints them:
// numbers and durations typed (memory and rates as byte count strings, cpus
// as a number, delays as Go durations), labels as a mapping, and keys in
// compose-go's order; and the order of a service's keys.
import { type Ctx, dictOf, sorted, type P } from './coerce.js';
import { durationString } from './normalize-parts.js';
import { isObj, type Obj } from './source.js';
import { parseBytes } from '../units.js';

type Out = Record<string, unknown>;

/** `o` with its keys in `order` first, then the rest (x- extensions) as written. */
export function ordered(o: Out, order: readonly string[]): Out {
  const out: Out = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const k of Object.keys(o)) if (!Object.hasOwn(out, k) && o[k] !== undefined) out[k] = o[k];
  return out;
}

const bytes = (c: Ctx, v: unknown, p: P): string => String(c.at(p, () => parseBytes(v as string)));

function resource(c: Ctx, r: Obj, p: P): Out {
  const out: Out = { ...r };
  if (r.cpus !== undefined) out.cpus = c.num(r.cpus, [...p, 'cpus']);
  if (r.memory !== undefined) out.memory = bytes(c, r.memory, [...p, 'memory']);
  if (r.pids !== undefined) out.pids = c.int(r.pids, [...p, 'pids'], -1);
  if (Array.isArray(r.devices)) {
    out.devices = r.devices.map((d: Obj, i) => normDeviceRequest(c, d, [...p, 'devices', i]));
  }
  return ordered(out, ['cpus', 'memory', 'pids', 'devices', 'generic_resources']);
}

/**
 * A device request (deploy.resources.reservations.devices, gpus) as compose-go
 * reads it: count `all` or absent is -1, device_ids set the count to their
 * number, and count with device_ids is refused.
 */
export function normDeviceRequest(c: Ctx, d: Obj, p: P): Out {
  const dev: Out = { ...d };
  if (d.count !== undefined && d.device_ids !== undefined) c.fail('"count" and "device_ids" are exclusive', [...p, 'count']);
  if (Array.isArray(d.device_ids)) dev.count = d.device_ids.length;
  else if (d.count === undefined || (typeof d.count === 'string' && d.count.toLowerCase() === 'all')) dev.count = -1;
  else dev.count = c.int(d.count, [...p, 'count'], -1);
  if (d.options !== undefined) {
    const opts = Object.fromEntries(Object.entries(dictOf(d.options)).map(([k, x]) => [k, x ?? '']));
    if (Object.keys(opts).length > 0) dev.options = sorted(opts); else delete dev.options;
  }
  return ordered(dev, ['capabilities', 'driver', 'count', 'device_ids', 'options']);
}

function update(c: Ctx, u: Obj, p: P): Out {
  const out: Out = { ...u };
  if (u.parallelism !== undefined) out.parallelism = c.int(u.parallelism, [...p, 'parallelism'], 0);
  for (const k of ['delay', 'monitor']) if (u[k] !== undefined) out[k] = durationString(c, u[k], [...p, k]);
  if (u.max_failure_ratio !== undefined) out.max_failure_ratio = c.num(u.max_failure_ratio, [...p, 'max_failure_ratio']);
  return ordered(out, ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order']);
}

export function normDeploy(c: Ctx, d: Obj, p: P): Out {
  const out: Out = { ...d };
  if (d.replicas !== undefined) out.replicas = c.int(d.replicas, [...p, 'replicas'], 0);
  if (d.labels !== undefined) out.labels = sorted(Object.fromEntries(Object.entries(dictOf(d.labels)).map(([k, x]) => [k, x ?? ''])));
  for (const k of ['update_config', 'rollback_config']) if (isObj(d[k])) out[k] = update(c, d[k] as Obj, [...p, k]);
  if (isObj(d.resources)) {
    const r: Out = { ...d.resources };
    for (const k of ['limits', 'reservations']) if (isObj(d.resources[k])) r[k] = resource(c, d.resources[k] as Obj, [...p, 'resources', k]);
    out.resources = ordered(r, ['limits', 'reservations']);
  }
  if (isObj(d.restart_policy)) {
    const rp: Out = { ...d.restart_policy };
    for (const k of ['delay', 'window']) if (d.restart_policy[k] !== undefined) rp[k] = durationString(c, d.restart_policy[k], [...p, 'restart_policy', k]);
    if (d.restart_policy.max_attempts !== undefined) rp.max_attempts = c.int(d.restart_policy.max_attempts, [...p, 'restart_policy', 'max_attempts'], 0);
    out.restart_policy = ordered(rp, ['condition', 'delay', 'max_attempts', 'window']);
  }
  if (isObj(d.placement)) {
    const pl: Out = { ...d.placement };
    if (d.placement.max_replicas_per_node !== undefined) pl.max_replicas_per_node = c.int(d.placement.max_replicas_per_node, [...p, 'placement', 'max_replicas_per_node'], 0);
    out.placement = ordered(pl, ['constraints', 'preferences', 'max_replicas_per_node']);
  }
  return ordered(out, ['mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy', 'placement', 'endpoint_mode']);
}

/** blkio_config: weights as integers, rates as byte-count strings (compose-go's UnitBytes), compose-go's order. */
export function normBlkio(c: Ctx, b: Obj, p: P): Out {
  const out: Out = { ...b };
  if (b.weight !== undefined) out.weight = c.int(b.weight, [...p, 'weight'], 0, 1000);
  if (Array.isArray(b.weight_device)) {
    out.weight_device = b.weight_device.map((d: Obj, i) => ordered({ ...d, weight: c.int(d.weight, [...p, 'weight_device', i, 'weight'], 0, 1000) }, ['path', 'weight']));
  }
  for (const k of ['device_read_bps', 'device_read_iops', 'device_write_bps', 'device_write_iops']) {
    if (Array.isArray(b[k])) out[k] = (b[k] as Obj[]).map((d, i) => ordered({ ...d, rate: bytes(c, d.rate, [...p, k, i, 'rate']) }, ['path', 'rate']));
  }
  return ordered(out, ['weight', 'weight_device', 'device_read_bps', 'device_read_iops', 'device_write_bps', 'device_write_iops']);
}

/**
 * The order docker compose prints a service's keys in (compose-go's
 * ServiceConfig fields); x- extensions come last.
 */
export const SERVICE_KEY_ORDER = [
  'profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroup',
  'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares',
  'command', 'configs', 'container_name', 'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices',
  'dns', 'dns_opt', 'dns_search', 'dockerfile', 'domainname', 'entrypoint', 'provider', 'environment', 'env_file', 'expose',
  'extends', 'external_links', 'extra_hosts', 'group_add', 'gpus', 'hostname', 'healthcheck', 'image', 'init', 'ipc',
  'isolation', 'labels', 'label_file', 'links', 'logging', 'log_driver', 'log_opt', 'mem_limit', 'mem_reservation',
  'memswap_limit', 'mem_swappiness', 'mac_address', 'models', 'net', 'network_mode', 'networks', 'oom_kill_disable',
  'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'privileged', 'pull_policy', 'pull_refresh_after', 'read_only',
  'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal',
  'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode', 'uts', 'volume_driver',
  'volumes', 'volumes_from', 'working_dir', 'post_start', 'pre_stop',
] as const;
