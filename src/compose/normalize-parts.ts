// Normalizers for the structured service fields: ports, volumes, devices,
// healthcheck, build, depends_on, networks, secrets/configs, ulimits.
import type { BuildConfig, DependsOn, DeviceMapping, Healthcheck, PortConfig, ServiceFileRef, ServiceNetwork, ServiceVolume } from './model.js';
import { type Ctx, dictOf, sorted, type P } from './coerce.js';
import { isRemoteContext, resolvePath } from './paths.js';
import { isObj, type Obj } from './source.js';
import { parsePortString, parseVolumeString, reorderPort, shellSplit } from './syntax.js';
import { formatDuration, parseBytes, parseDuration } from '../units.js';

export function normPorts(c: Ctx, v: unknown[], path: P): PortConfig[] {
  const out: PortConfig[] = [];
  v.forEach((item, i) => {
    const p = [...path, i];
    if (typeof item === 'number' || typeof item === 'string') {
      out.push(...c.at(p, () => parsePortString(String(item))));
      return;
    }
    const o = item as Obj;
    const target = c.int(o.target, [...p, 'target'], 1, 65535);
    const port: PortConfig = { ...(o as object), mode: typeof o.mode === 'string' ? o.mode : 'ingress', target, protocol: typeof o.protocol === 'string' ? o.protocol.toLowerCase() : 'tcp' } as PortConfig;
    if (o.published !== undefined && o.published !== null && o.published !== '') {
      const pub = String(o.published);
      if (!/^\d{1,5}(-\d{1,5})?$/.test(pub)) c.fail(`invalid published port "${pub}"`, [...p, 'published']);
      port.published = pub;
    } else delete port.published;
    if (!['tcp', 'udp', 'sctp'].includes(port.protocol)) c.fail(`unknown protocol "${port.protocol}"`, [...p, 'protocol']);
    if (!['ingress', 'host'].includes(port.mode)) c.fail(`unknown port mode "${port.mode}" (expected ingress or host)`, [...p, 'mode']);
    out.push(reorderPort(port));
  });
  return out;
}

export function normVolumes(c: Ctx, v: unknown[], path: P, dir: string): ServiceVolume[] {
  return v.map((item, i) => {
    const p = [...path, i];
    let vol: ServiceVolume;
    if (typeof item === 'string') vol = c.at(p, () => parseVolumeString(item));
    else {
      const o = item as Obj;
      vol = { ...(o as object) } as ServiceVolume;
      if (typeof o.target !== 'string' || o.target === '') {
        if (o.type !== 'npipe') c.fail('missing required property "target"', p);
      } else if (!o.target.startsWith('/')) c.fail(`target "${o.target}" must be an absolute path`, [...p, 'target']);
      if (o.read_only !== undefined) vol.read_only = c.bool(o.read_only, [...p, 'read_only']);
      if (isObj(o.bind)) {
        const bind: Obj = { ...o.bind };
        if (o.bind.create_host_path !== undefined) bind.create_host_path = c.bool(o.bind.create_host_path, [...p, 'bind', 'create_host_path']);
        vol.bind = bindOrder(bind) as ServiceVolume['bind'];
      }
      if (isObj(o.volume)) {
        vol.volume = { ...o.volume };
        if (o.volume.nocopy !== undefined) vol.volume.nocopy = c.bool(o.volume.nocopy, [...p, 'volume', 'nocopy']);
      }
      if (isObj(o.tmpfs)) {
        vol.tmpfs = { ...(o.tmpfs as object) };
        // A byte count, printed as a string like every compose-go UnitBytes.
        if (o.tmpfs.size !== undefined) vol.tmpfs.size = String(c.at([...p, 'tmpfs', 'size'], () => parseBytes((o.tmpfs as Obj).size as string)));
      }
      if (vol.type === 'bind' && (vol.source === undefined || vol.source === '')) c.fail('a bind mount needs a "source"', p);
      if (vol.type === 'tmpfs' && vol.source !== undefined) c.fail('a tmpfs mount takes no "source"', [...p, 'source']);
    }
    if (vol.type === 'bind' && typeof vol.source === 'string') vol.source = resolvePath(dir, vol.source);
    return vol;
  });
}

/** compose-go prints a bind's options as selinux, propagation, create_host_path, recursive. */
function bindOrder(b: Obj): Obj {
  const out: Obj = {};
  for (const k of ['selinux', 'propagation', 'create_host_path', 'recursive']) if (b[k] !== undefined) out[k] = b[k];
  for (const k of Object.keys(b)) if (!Object.hasOwn(out, k)) out[k] = b[k];
  return out;
}

export function normDevices(c: Ctx, v: unknown[], path: P): DeviceMapping[] {
  return v.map((item, i) => {
    if (isObj(item)) {
      const src = String(item.source);
      return { source: src, target: typeof item.target === 'string' ? item.target : src, permissions: typeof item.permissions === 'string' ? item.permissions : 'rwm' };
    }
    const parts = String(item).split(':');
    if (parts.length > 3 || parts[0] === '') c.fail(`invalid device "${String(item)}": expected SOURCE[:TARGET[:PERMISSIONS]]`, [...path, i]);
    let [source, target, perms] = parts as [string, string?, string?];
    if (parts.length === 2 && /^[rwm]+$/.test(target!)) { perms = target; target = undefined; }
    if (perms !== undefined && !/^[rwm]+$/.test(perms)) c.fail(`invalid device permissions "${perms}": use r, w and m`, [...path, i]);
    return { source, target: target ?? source, permissions: perms ?? 'rwm' };
  });
}

const DURATIONS = ['timeout', 'interval', 'start_period', 'start_interval'] as const;

export function durationString(c: Ctx, v: unknown, path: P): string {
  return c.at(path, () => formatDuration(parseDuration(v as string)));
}

export function normHealthcheck(c: Ctx, h: Obj, path: P): Healthcheck {
  const out: Healthcheck = {};
  if (h.test !== undefined) {
    if (typeof h.test === 'string') out.test = ['CMD-SHELL', h.test];
    else {
      const t = (h.test as unknown[]).map(String);
      if (t.length === 0) c.fail('test must not be empty', [...path, 'test']);
      if (!['CMD', 'CMD-SHELL', 'NONE'].includes(t[0]!)) c.fail(`test must start with "CMD", "CMD-SHELL" or "NONE", got "${t[0]}"`, [...path, 'test', 0]);
      out.test = t;
    }
  }
  for (const k of DURATIONS) if (h[k] !== undefined) out[k] = durationString(c, h[k], [...path, k]);
  if (h.retries !== undefined) out.retries = c.int(h.retries, [...path, 'retries'], 0);
  // `disable: false` is the default and compose-go leaves it out (omitempty).
  if (h.disable !== undefined && c.bool(h.disable, [...path, 'disable'])) out.disable = true;
  // docker compose prints test, timeout, interval, retries, start_period, start_interval, disable
  const ordered: Healthcheck = {};
  for (const k of ['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable'] as const) {
    if (out[k] !== undefined) (ordered as Record<string, unknown>)[k] = out[k];
  }
  return ordered;
}

export function normBuild(c: Ctx, b: unknown, path: P, dir: string): BuildConfig {
  const o: Obj = typeof b === 'string' ? { context: b } : { ...(b as Obj) };
  const ctxRaw = typeof o.context === 'string' ? o.context : '.';
  const context = isRemoteContext(ctxRaw) ? ctxRaw : resolvePath(dir, ctxRaw);
  const out: BuildConfig = { context };
  if (typeof o.dockerfile === 'string') out.dockerfile = o.dockerfile;
  else if (o.dockerfile_inline === undefined) out.dockerfile = 'Dockerfile';
  for (const [k, v] of Object.entries(o)) {
    if (k === 'context' || k === 'dockerfile') continue;
    if (k === 'args' || k === 'labels' || k === 'additional_contexts' || k === 'ssh') {
      const d = dictOf(v);
      (out as Record<string, unknown>)[k] = sorted(k === 'labels' ? Object.fromEntries(Object.entries(d).map(([a, x]) => [a, x ?? ''])) : d);
    } else if (k === 'no_cache' || k === 'pull' || k === 'privileged') out[k] = c.bool(v, [...path, k]);
    else if (k === 'shm_size') out[k] = String(c.at([...path, k], () => parseBytes(v as string)));
    else if (k === 'extra_hosts') out[k] = normExtraHosts(c, v, [...path, k]);
    else if (k === 'ulimits') out[k] = normUlimits(c, v as Obj, [...path, k]);
    else if (k === 'secrets') out[k] = normFileRefs(c, v as unknown[], [...path, k]);
    else out[k] = v;
  }
  const order = BUILD_ORDER as readonly string[];
  const keys = [...order, ...Object.keys(out).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.filter((k) => out[k] !== undefined).map((k) => [k, out[k]])) as BuildConfig;
}

// compose-go's BuildConfig field order (x- extensions after).
const BUILD_ORDER = [
  'context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'provenance', 'sbom', 'ssh', 'labels', 'cache_from', 'cache_to',
  'no_cache', 'no_cache_filter', 'additional_contexts', 'pull', 'extra_hosts', 'isolation', 'network', 'target', 'secrets', 'shm_size',
  'tags', 'ulimits', 'platforms', 'privileged',
] as const;

export function normDependsOn(c: Ctx, v: unknown, path: P): Record<string, DependsOn> {
  const out: Record<string, DependsOn> = {};
  if (Array.isArray(v)) {
    for (const s of v) out[String(s)] = { condition: 'service_started', required: true };
  } else {
    for (const [k, x] of Object.entries(v as Obj)) {
      const o = (x ?? {}) as Obj;
      const d: DependsOn = { condition: (o.condition as DependsOn['condition']) ?? 'service_started', required: true };
      if (o.restart !== undefined && c.bool(o.restart, [...path, k, 'restart'])) d.restart = true;
      if (o.required !== undefined) d.required = c.bool(o.required, [...path, k, 'required']);
      out[k] = { condition: d.condition, ...(d.restart ? { restart: true } : {}), required: d.required };
    }
  }
  return sorted(out);
}

export function normNetworks(c: Ctx, v: unknown, path: P): Record<string, ServiceNetwork | null> {
  const out: Record<string, ServiceNetwork | null> = {};
  if (Array.isArray(v)) for (const n of v) out[String(n)] = null;
  else {
    for (const [k, x] of Object.entries(v as Obj)) {
      if (x === null || x === undefined) { out[k] = null; continue; }
      const o = { ...(x as Obj) } as ServiceNetwork;
      if (o.priority !== undefined) o.priority = c.int(o.priority, [...path, k, 'priority']);
      if (isObj(o.driver_opts)) o.driver_opts = sorted(Object.fromEntries(Object.entries(o.driver_opts).map(([a, x]) => [a, String(x)])));
      out[k] = o;
    }
  }
  return sorted(out);
}

/** `targetDir`: where a reference without a target is mounted (a service's secrets: /run/secrets, as compose-go fills it in). */
export function normFileRefs(c: Ctx, v: unknown[], path: P, targetDir?: string): ServiceFileRef[] {
  return v.map((item, i) => {
    const o = (typeof item === 'string' ? { source: item } : { ...(item as Obj) }) as unknown as ServiceFileRef & { mode?: unknown };
    if (targetDir !== undefined && o.target === undefined) o.target = `${targetDir}/${o.source}`;
    if (o.mode !== undefined) {
      const m = o.mode as unknown;
      o.mode = typeof m === 'string' ? (/^0?[0-7]+$/.test(m) ? parseInt(m, 8) : c.fail(`invalid file mode "${m}"`, [...path, i, 'mode'])) : c.int(m, [...path, i, 'mode'], 0, 0o7777);
    }
    return o;
  });
}

export function normUlimits(c: Ctx, v: Obj, path: P): Record<string, number | { soft: number; hard: number }> {
  const out: Record<string, number | { soft: number; hard: number }> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isObj(x)) {
      const soft = c.int(x.soft, [...path, k, 'soft']);
      const hard = c.int(x.hard, [...path, k, 'hard']);
      if (soft > hard && hard !== -1) c.fail(`soft limit ${soft} is above the hard limit ${hard}`, [...path, k]);
      out[k] = { soft, hard };
    } else out[k] = c.int(x, [...path, k]);
  }
  return sorted(out);
}

export function normCommand(c: Ctx, v: unknown, path: P): string[] | null {
  if (v === null) return null;
  if (typeof v === 'string') return c.at(path, () => shellSplit(v));
  return (v as unknown[]).map(String);
}

const HOOK_ORDER = ['command', 'user', 'privileged', 'working_dir', 'environment'];

/** post_start / pre_stop hooks as compose-go reads them: a command string split like a shell, environment as a mapping. */
export function normHooks(c: Ctx, v: unknown[], path: P): Obj[] {
  return v.map((h, i) => {
    const o = { ...(h as Obj) };
    if (o.command !== undefined) o.command = normCommand(c, o.command, [...path, i, 'command']);
    if (o.environment !== undefined) o.environment = sorted(dictOf(o.environment));
    const out: Obj = {};
    for (const k of HOOK_ORDER) if (o[k] !== undefined) out[k] = o[k];
    for (const k of Object.keys(o)) if (!Object.hasOwn(out, k)) out[k] = o[k];
    return out;
  });
}

export function normExtraHosts(c: Ctx, v: unknown, path: P): string[] {
  const out: string[] = [];
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      const s = String(e);
      const eq = s.indexOf('=');
      const at = eq >= 0 ? eq : s.indexOf(':');
      if (at <= 0 || at === s.length - 1) c.fail(`invalid extra host "${s}": expected HOST=IP or HOST:IP`, [...path, i]);
      let ip = s.slice(at + 1);
      if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
      out.push(`${s.slice(0, at)}=${ip}`);
    });
  } else {
    for (const [host, ips] of Object.entries(v as Obj)) {
      for (const ip of Array.isArray(ips) ? ips : [ips]) out.push(`${host}=${String(ip)}`);
    }
  }
  return out;
}
