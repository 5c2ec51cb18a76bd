// `--change` instructions for import (Dockerfile syntax, one instruction
// each): CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, STOPSIGNAL, VOLUME.
import { BerthError } from '../errors.js';
import type { ContainerConfig } from './media-types.js';

/** JSON array form ["a","b"] or shell form (→ /bin/sh -c "…"). */
function commandForm(arg: string, change: string): string[] {
  const t = arg.trim();
  if (t.startsWith('[')) {
    let v: unknown;
    try { v = JSON.parse(t); } catch { v = undefined; }
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new BerthError(`--change "${change}": not a JSON array of strings`);
  }
  return ['/bin/sh', '-c', t];
}

/** Splits `K=V K2="v 2"` or legacy `K V` pairs. */
function keyValues(arg: string, change: string): Array<[string, string]> {
  const t = arg.trim();
  const legacy = /^([^\s=]+)\s+(.*)$/s.exec(t);
  if (legacy && !legacy[1].includes('=')) return [[legacy[1], legacy[2]]];
  const out: Array<[string, string]> = [];
  const re = /\s*([^=\s]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(t)) !== null) {
    let v = m[2];
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (v.startsWith("'")) v = v.slice(1, -1);
    out.push([m[1], v]);
    last = re.lastIndex;
    if (last >= t.length) break;
  }
  if (out.length === 0 || t.slice(last).trim() !== '') throw new BerthError(`--change "${change}": expected KEY=VALUE`);
  return out;
}

export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  const c: ContainerConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(change);
    if (!m) throw new BerthError(`--change "${change}": expected an instruction and its argument`);
    const [, word, arg] = m;
    switch (word.toUpperCase()) {
      case 'CMD': c.Cmd = commandForm(arg, change); break;
      case 'ENTRYPOINT': c.Entrypoint = commandForm(arg, change); break;
      case 'WORKDIR': c.WorkingDir = arg.trim(); break;
      case 'USER': c.User = arg.trim(); break;
      case 'STOPSIGNAL': c.StopSignal = arg.trim(); break;
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of keyValues(arg, change)) {
          const i = env.findIndex((e) => e.split('=')[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`; else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL': {
        c.Labels = { ...(c.Labels ?? {}) };
        for (const [k, v] of keyValues(arg, change)) c.Labels[k] = v;
        break;
      }
      case 'EXPOSE': {
        c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
        for (const p of arg.trim().split(/\s+/)) {
          if (!/^\d+(\/(tcp|udp|sctp))?$/.test(p)) throw new BerthError(`--change "${change}": bad port ${p}`);
          c.ExposedPorts[p.includes('/') ? p : `${p}/tcp`] = {};
        }
        break;
      }
      case 'VOLUME': {
        c.Volumes = { ...(c.Volumes ?? {}) };
        const t = arg.trim();
        const list = t.startsWith('[') ? commandForm(t, change) : t.split(/\s+/);
        for (const v of list) c.Volumes[v] = {};
        break;
      }
      default:
        throw new BerthError(`--change "${change}": ${word} is not supported (CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, STOPSIGNAL, VOLUME)`);
    }
  }
  return c;
}
