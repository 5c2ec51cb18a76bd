// One raw (merged, validated) service → the normalized Service of model.ts.
import { existsSync } from 'node:fs';
import type { Service, ServiceHook } from './model.js';
import { type Ctx, dictOf, scalarString, sorted, type P } from './coerce.js';
import { ENV_FILE_FORMATS, readDotenv } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import {
  durationString, normBuild, normCommand, normDependsOn, normDevices, normExtraHosts, normFileRefs, normHealthcheck, normHooks,
  normNetworks, normPorts, normUlimits, normVolumes,
} from './normalize-parts.js';
import { normBlkio, normDeploy, normDeviceRequest, ordered, SERVICE_KEY_ORDER } from './normalize-deploy.js';
import { normDevelop } from './normalize-develop.js';
import { applyImplicit } from './normalize-implicit.js';
import { resolvePath } from './paths.js';
import { isObj, type Obj } from './source.js';
import { parseBytes } from '../units.js';

export interface ServiceCtx {
  ctx: Ctx;
  dir: string;
  lookup: Lookup;
  /** List env_file entries (path absolute, required, format) instead of reading them into environment. */
  keepEnvFiles?: boolean;
}

const BOOLS = ['privileged', 'read_only', 'init', 'tty', 'stdin_open', 'oom_kill_disable', 'attach', 'use_api_socket'];
const INTS: Record<string, [number, number]> = {
  scale: [0, Infinity], pids_limit: [-1, Infinity], oom_score_adj: [-1000, 1000], cpu_shares: [0, Infinity],
  cpu_quota: [-1, Infinity], cpu_period: [0, Infinity], mem_swappiness: [0, 100], cpu_count: [0, Infinity], cpu_percent: [0, 100],
};
const BYTES = ['mem_limit', 'mem_reservation', 'memswap_limit', 'shm_size'];
const STR_OR_LIST = ['dns', 'dns_search', 'tmpfs'];
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const PULL = /^(always|never|missing|build|if_not_present|refresh|daily|weekly|every_(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+)$/;

function envFiles(v: unknown): Array<{ path: string; required: boolean; format: string }> {
  const list = Array.isArray(v) ? v : [v];
  return list.map((e) => (isObj(e)
    ? {
      path: String(e.path),
      required: e.required === undefined ? true : e.required === true || e.required === 'true',
      format: typeof e.format === 'string' ? e.format : '',
    }
    : { path: String(e), required: true, format: '' }));
}

export function normalizeService(name: string, raw: Obj, sc: ServiceCtx): Service {
  const { ctx: c, dir } = sc;
  const base: P = ['services', name];
  const out: Service = {};
  let environment: Record<string, string | null> | undefined;
  for (const [key, v] of Object.entries(raw)) {
    const p = [...base, key];
    if (v === undefined) continue;
    switch (key) {
      case 'extends':
        break;
      case 'build': out.build = normBuild(c, v, p, dir); break;
      case 'command': case 'entrypoint': out[key] = normCommand(c, v, p); break;
      case 'environment':
        if (Array.isArray(v)) {
          // compose-go refuses `KEY =value`: the space would silently become part of the name.
          v.forEach((e, i) => {
            const k = String(e).split('=')[0]!;
            if (/\s$/.test(k)) c.fail(`environment variable "${k}" is declared with a trailing space`, [...p, i]);
          });
        }
        environment = { ...(environment ?? {}), ...dictOf(v) };
        break;
      case 'env_file': {
        if (sc.keepEnvFiles) {
          out.env_file = envFiles(v).map((f) => ({ path: resolvePath(dir, f.path), required: f.required, ...(f.format ? { format: f.format } : {}) }));
          break;
        }
        const fromFiles: Record<string, string | null> = {};
        for (const [i, f] of envFiles(v).entries()) {
          const abs = resolvePath(dir, f.path);
          // An optional file that is absent is skipped before its format is judged, as compose does.
          if (!f.required && !existsSync(abs)) continue;
          if (!ENV_FILE_FORMATS.includes(f.format)) {
            c.fail(`unsupported env_file format "${f.format}": use "raw", or leave format out for the .env syntax`, [...p, i, 'format']);
          }
          try {
            Object.assign(fromFiles, readDotenv(abs, sc.lookup, f.format));
          } catch (e) {
            if (!f.required && /not found/.test((e as Error).message)) continue;
            c.fail((e as Error).message, p);
          }
        }
        environment = { ...fromFiles, ...(environment ?? {}) };
        break;
      }
      case 'labels': case 'annotations': {
        const d = dictOf(v);
        out[key] = sorted(Object.fromEntries(Object.entries(d).map(([k, x]) => [k, x ?? ''])));
        break;
      }
      case 'label_file': {
        const labels: Record<string, string> = {};
        for (const f of (Array.isArray(v) ? v : [v]) as string[]) {
          try { Object.assign(labels, readDotenv(resolvePath(dir, f), sc.lookup)); } catch (e) { c.fail((e as Error).message, p); }
        }
        out.labels = sorted({ ...labels, ...((out.labels as Record<string, string>) ?? {}) });
        break;
      }
      case 'depends_on': out.depends_on = normDependsOn(c, v, p); break;
      case 'ports': out.ports = normPorts(c, v as unknown[], p); break;
      case 'expose': case 'group_add': out[key] = (v as unknown[]).map(String); break;
      case 'volumes': out.volumes = normVolumes(c, v as unknown[], p, dir); break;
      case 'networks': out.networks = normNetworks(c, v, p); break;
      case 'healthcheck': out.healthcheck = normHealthcheck(c, v as Obj, p); break;
      case 'secrets': out.secrets = normFileRefs(c, v as unknown[], p, '/run/secrets'); break;
      case 'configs': out.configs = normFileRefs(c, v as unknown[], p); break;
      case 'post_start': case 'pre_stop': out[key] = normHooks(c, v as unknown[], p) as unknown as ServiceHook[]; break;
      case 'ulimits': out.ulimits = normUlimits(c, v as Obj, p); break;
      case 'extra_hosts': out.extra_hosts = normExtraHosts(c, v, p); break;
      case 'devices': out.devices = normDevices(c, v as unknown[], p); break;
      case 'sysctls': out.sysctls = sorted(Object.fromEntries(Object.entries(dictOf(v)).map(([k, x]) => [k, x ?? '']))); break;
      case 'stop_grace_period': out.stop_grace_period = durationString(c, v, p); break;
      case 'restart':
        if (!RESTART.test(String(v))) c.fail(`invalid restart policy "${String(v)}": expected no, always, on-failure[:N] or unless-stopped`, p);
        out.restart = String(v) as Service['restart'];
        break;
      case 'pull_policy':
        if (!PULL.test(String(v))) c.fail(`invalid pull_policy "${String(v)}": expected always, never, missing, build, if_not_present, refresh, daily, weekly or every_<duration>`, p);
        out.pull_policy = String(v);
        break;
      case 'container_name':
        if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(String(v))) c.fail(`invalid container name "${String(v)}": use letters, digits, "_", "." and "-", starting with a letter or digit`, p);
        out.container_name = String(v);
        break;
      case 'cpus': out.cpus = c.num(v, p); break;
      case 'blkio_config': out.blkio_config = normBlkio(c, v as Obj, p); break;
      case 'deploy':
        if (v !== null) out.deploy = normDeploy(c, v as Obj, p) as Service['deploy'];
        break;
      case 'logging': {
        // Driver options are strings to docker compose (a map of string to string).
        const l = { ...(v as Obj) };
        if (isObj(l.options)) l.options = Object.fromEntries(Object.entries(l.options).map(([k, x]) => [k, x === null ? null : String(x)]));
        out.logging = l as Service['logging'];
        break;
      }
      case 'gpus':
        // `gpus: all` is one request for every GPU, as compose-go expands it.
        out.gpus = typeof v === 'string' ? [{ count: -1 }] : (v as Obj[]).map((d, i) => normDeviceRequest(c, d, [...p, i]));
        break;
      case 'develop':
        if (v !== null) out.develop = normDevelop(c, v as Obj, p, dir);
        break;
      default:
        if (BOOLS.includes(key)) out[key] = c.bool(v, p);
        else if (key in INTS) {
          const n = c.int(v, p, INTS[key]![0], INTS[key]![1]);
          // compose-go keeps mem_swappiness in its byte-count type, printed as a string.
          out[key] = key === 'mem_swappiness' ? String(n) : n;
        }
        else if (BYTES.includes(key)) {
          out[key] = v === -1 || v === '-1' ? '-1' : String(c.at(p, () => parseBytes(v as string)));
        } else if (STR_OR_LIST.includes(key)) out[key] = typeof v === 'string' ? [v] : (v as unknown[]).map(String);
        else out[key] = v;
    }
  }
  if (environment) {
    // A bare KEY takes its value from the project's environment when set there.
    for (const [k, x] of Object.entries(environment)) {
      if (x === null) { const e = sc.lookup(k); if (e !== undefined) environment[k] = e; }
      else environment[k] = scalarString(x);
    }
    // docker compose leaves an empty environment out.
    if (Object.keys(environment).length > 0) out.environment = sorted(environment);
  }
  if (out.network_mode === undefined && out.networks === undefined) out.networks = { default: null };
  applyImplicit(out, sc.lookup);
  if (out.scale !== undefined && out.deploy?.replicas !== undefined && out.scale !== out.deploy.replicas) {
    c.fail(`scale (${out.scale}) and deploy.replicas (${out.deploy.replicas}) differ`, [...base, 'scale']);
  }
  // docker compose's key order; keys it does not know (x- extensions) after, sorted.
  const known = new Set<string>(SERVICE_KEY_ORDER);
  return ordered(out, [...SERVICE_KEY_ORDER, ...Object.keys(out).filter((k) => !known.has(k)).sort()]) as Service;
}

/** How many containers the service wants (scale, deploy.replicas, else 1). */
export function replicasOf(s: Service): number {
  return s.scale ?? s.deploy?.replicas ?? 1;
}
