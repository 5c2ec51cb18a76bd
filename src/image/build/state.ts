// A stage's state between steps (layers, image config, history, the ARGs
// in scope, the cache key so far) and the instructions that change only the
// image config: ENV, ARG, LABEL, WORKDIR, USER, EXPOSE, VOLUME, CMD,
// ENTRYPOINT, STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER.
import { posix } from 'node:path';
import { parseDuration } from '../../units.js';
import type { ContainerConfig, HistoryEntry } from '../media-types.js';
import type { LayerRef } from '../records.js';
import type { Instruction } from './instructions.js';
import { jsonArray } from './instructions.js';
import { expandWord, expandWords, keyValuePairs, splitWords, type Lookup } from './shell-lex.js';

export interface StageState {
  layers: LayerRef[];
  config: ContainerConfig;
  history: HistoryEntry[];
  /** The cache key of the last step. */
  key: string;
  /** ARGs declared in this stage and their values (undefined: declared, no value). */
  args: Map<string, string | undefined>;
  /** Whether CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  architecture: string;
  os: string;
}

/** Build args usable without an ARG line, and left out of history (as docker). */
export const PREDEFINED_ARGS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

function envMap(config: ContainerConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of config.Env ?? []) {
    const i = e.indexOf('=');
    m.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  return m;
}

/** Substitution in a stage: ENV wins over ARG (as the reference says). */
export function stageLookup(s: StageState): Lookup {
  const env = envMap(s.config);
  return (name) => env.get(name) ?? s.args.get(name);
}

/** The environment a RUN sees: the image's Env plus the ARGs with a value (not kept in the image). */
export function runEnv(s: StageState, buildArgs: Record<string, string | undefined>): string[] {
  const env = envMap(s.config);
  const out = new Map<string, string>();
  for (const [k, v] of s.args) if (v !== undefined && !env.has(k)) out.set(k, v);
  for (const k of PREDEFINED_ARGS) if (buildArgs[k] !== undefined && !env.has(k)) out.set(k, buildArgs[k]!);
  return [...(s.config.Env ?? []), ...[...out].map(([k, v]) => `${k}=${v}`)];
}

export function shellOf(s: StageState): string[] {
  return s.config.Shell?.length ? s.config.Shell : ['/bin/sh', '-c'];
}

function commandOf(inst: Instruction, s: StageState): string[] {
  return inst.json ?? [...shellOf(s), inst.args];
}

function setEnv(config: ContainerConfig, key: string, value: string): void {
  const env = [...(config.Env ?? [])];
  const i = env.findIndex((e) => e.split('=')[0] === key);
  if (i >= 0) env[i] = `${key}=${value}`; else env.push(`${key}=${value}`);
  config.Env = env;
}

function ports(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw new Error(`invalid port "${w}": expected PORT[-PORT][/tcp|udp|sctp]`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (hi < lo || hi > 65535) throw new Error(`invalid port range "${w}"`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

function healthcheck(inst: Instruction, s: StageState): ContainerConfig['Healthcheck'] {
  const t = inst.args.trim();
  if (/^none$/i.test(t)) return { Test: ['NONE'] };
  const m = /^CMD\s+([\s\S]+)$/i.exec(t);
  if (!m) throw new Error('HEALTHCHECK expects NONE or [OPTIONS] CMD command');
  const json = jsonArray(m[1]!);
  const hc: NonNullable<ContainerConfig['Healthcheck']> = { Test: json ? ['CMD', ...json] : ['CMD-SHELL', m[1]!] };
  const dur = (f: string) => (inst.flags[f] ? parseDuration(inst.flags[f]![0]!) : undefined);
  const set = (k: 'Interval' | 'Timeout' | 'StartPeriod', v: number | undefined) => { if (v !== undefined) hc[k] = v; };
  set('Interval', dur('interval'));
  set('Timeout', dur('timeout'));
  set('StartPeriod', dur('start-period'));
  if (inst.flags['start-interval']) (hc as Record<string, unknown>).StartInterval = dur('start-interval');
  if (inst.flags.retries) {
    const r = Number(inst.flags.retries[0]);
    if (!Number.isInteger(r) || r < 0) throw new Error(`--retries must be a non-negative integer`);
    hc.Retries = r;
  }
  void s;
  return hc;
}

/**
 * Applies a config-only instruction to the stage (in place). Errors are
 * plain Errors; the caller adds the file and line.
 */
export function applyConfig(inst: Instruction, s: StageState, buildArgs: Record<string, string | undefined>, globals: Map<string, string | undefined>, escape: string): void {
  const c = s.config;
  const look = stageLookup(s);
  switch (inst.keyword) {
    case 'ENV':
      for (const [k, v] of keyValuePairs(inst.args, look, escape, true)) setEnv(c, k, v);
      break;
    case 'ARG':
      for (const w of splitWords(inst.args, escape)) {
        const eq = w.indexOf('=');
        const name = eq < 0 ? w : w.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid ARG name "${name}"`);
        const given = Object.prototype.hasOwnProperty.call(buildArgs, name) ? buildArgs[name] : undefined;
        const dflt = eq < 0 ? globals.get(name) : expandWord(w.slice(eq + 1), look, escape);
        s.args.set(name, given ?? dflt);
      }
      break;
    case 'LABEL':
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of keyValuePairs(inst.args, look, escape, true)) c.Labels[k] = v;
      break;
    case 'MAINTAINER':
      break; // recorded as the author by the caller
    case 'WORKDIR': {
      const w = expandWord(inst.args, look, escape);
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', w);
      break;
    }
    case 'USER': {
      const u = expandWord(inst.args, look, escape);
      if (!u) throw new Error('USER requires a user name or ID');
      c.User = u;
      break;
    }
    case 'EXPOSE':
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports(expandWords(inst.args, look, escape))) c.ExposedPorts[p] = {};
      break;
    case 'VOLUME': {
      c.Volumes = { ...(c.Volumes ?? {}) };
      const list = inst.json ? inst.json.map((v) => expandWord(v, look, escape)) : expandWords(inst.args, look, escape);
      for (const v of list) {
        if (!v.trim()) throw new Error('VOLUME specified can not be an empty string');
        c.Volumes[v] = {};
      }
      break;
    }
    case 'CMD':
      c.Cmd = commandOf(inst, s);
      s.cmdSet = true;
      break;
    case 'ENTRYPOINT':
      c.Entrypoint = inst.args === '' ? null : commandOf(inst, s);
      // As docker: an ENTRYPOINT resets a CMD inherited from the base image.
      if (!s.cmdSet) c.Cmd = null;
      break;
    case 'STOPSIGNAL':
      c.StopSignal = expandWord(inst.args, look, escape);
      break;
    case 'HEALTHCHECK':
      c.Healthcheck = healthcheck(inst, s);
      break;
    case 'SHELL':
      c.Shell = inst.json!;
      break;
    case 'ONBUILD': {
      const kw = /^(\S+)/.exec(inst.args)?.[1]?.toUpperCase();
      if (!kw) throw new Error('ONBUILD requires an instruction');
      if (kw === 'ONBUILD' || kw === 'FROM' || kw === 'MAINTAINER') throw new Error(`${kw} isn't allowed as an ONBUILD trigger`);
      c.OnBuild = [...(c.OnBuild ?? []), inst.args];
      break;
    }
    default:
      throw new Error(`${inst.keyword} is not a config instruction`);
  }
}
