// Short syntaxes of the Compose file: ports, volumes and shell command lines
// (durations and byte sizes are src/units.ts). Each parser throws
// SyntaxProblem with a message the caller turns into a positioned ComposeError.
import type { PortConfig, ServiceVolume } from './model.js';

export class SyntaxProblem extends Error {}

/** IPv4 or IPv6 literal (node:net's isIP would cost a module load at start-up). */
export function isIPAddress(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  if (v4.test(s)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  let t = s;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    if (!v4.test(t.slice(lastColon + 1))) return false;
    t = t.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = t.split('::');
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const parts = dbl.flatMap(groups);
  if (!parts.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return dbl.length === 2 ? parts.length < 8 : parts.length === 8;
}

function portNumber(s: string, what: string, whole: string): number {
  if (!/^\d{1,5}$/.test(s)) throw new SyntaxProblem(`invalid port "${whole}": ${what} "${s}" is not a port number`);
  const n = Number(s);
  if (n < 1 || n > 65535) throw new SyntaxProblem(`invalid port "${whole}": ${what} ${n} is out of range 1-65535`);
  return n;
}

function portRange(s: string, what: string, whole: string): [number, number] {
  const m = /^([^-]+)(?:-([^-]+))?$/.exec(s);
  if (!m) throw new SyntaxProblem(`invalid port "${whole}": bad ${what} range "${s}"`);
  const a = portNumber(m[1]!, what, whole);
  const b = m[2] === undefined ? a : portNumber(m[2], what, whole);
  if (b < a) throw new SyntaxProblem(`invalid port "${whole}": ${what} range "${s}" ends before it starts`);
  return [a, b];
}

/** `[[IP:]HOST:]CONTAINER[/PROTO]` with ranges → one long-syntax entry per container port. */
export function parsePortString(spec: string): PortConfig[] {
  let rest = spec.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw new SyntaxProblem(`invalid port "${spec}": unknown protocol "${protocol}"`);
  }
  let ip: string | undefined;
  let host: string | undefined;
  let container: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    ip = v6[1];
    const parts = v6[2]!.split(':');
    if (parts.length !== 2) throw new SyntaxProblem(`invalid port "${spec}": expected [IP]:HOST:CONTAINER`);
    [host, container] = parts as [string, string];
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) container = parts[0]!;
    else if (parts.length === 2) [host, container] = parts as [string, string];
    else {
      container = parts.pop()!;
      host = parts.pop()!;
      ip = parts.join(':');
    }
  }
  // An empty IP (":443:443") means none, as docker's port parser reads it.
  if (ip === '') ip = undefined;
  if (ip !== undefined && !isIPAddress(ip)) throw new SyntaxProblem(`invalid port "${spec}": invalid IP address "${ip}"`);
  if (container === '') throw new SyntaxProblem(`invalid port "${spec}": no container port`);
  const [c0, c1] = portRange(container, 'container port', spec);
  let h: [number, number] | undefined;
  if (host !== undefined && host !== '') h = portRange(host, 'host port', spec);
  if (h && h[1] - h[0] !== c1 - c0 && c1 !== c0) {
    throw new SyntaxProblem(`invalid port "${spec}": host and container port ranges differ in size`);
  }
  const out: PortConfig[] = [];
  for (let p = c0; p <= c1; p++) {
    const entry: PortConfig = { mode: 'ingress', target: p, protocol };
    if (ip !== undefined) entry.host_ip = ip;
    if (h) entry.published = c0 === c1 && h[0] !== h[1] ? `${h[0]}-${h[1]}` : String(h[0] + (p - c0));
    out.push(reorderPort(entry));
  }
  return out;
}

/** docker compose prints port fields in this order. */
export function reorderPort(p: PortConfig): PortConfig {
  const o: Record<string, unknown> = {};
  for (const k of ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']) {
    if ((p as unknown as Record<string, unknown>)[k] !== undefined) o[k] = (p as unknown as Record<string, unknown>)[k];
  }
  for (const k of Object.keys(p)) if (!Object.hasOwn(o, k)) o[k] = (p as unknown as Record<string, unknown>)[k];
  return o as unknown as PortConfig;
}

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);
const MODES = new Set(['ro', 'rw', 'z', 'Z', 'nocopy', ...PROPAGATION, ...CONSISTENCY]);

function isModeList(s: string): boolean {
  return s !== '' && s.split(',').every((m) => MODES.has(m));
}

export function isPathLike(s: string): boolean {
  return s.startsWith('/') || s.startsWith('.') || s.startsWith('~');
}

/** `[SOURCE:]TARGET[:MODE]` → long syntax (source left as written; the normalizer resolves it). */
export function parseVolumeString(spec: string): ServiceVolume {
  const parts = spec.split(':');
  let source = '';
  let target: string;
  let mode = '';
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) {
    if (isModeList(parts[1]!) && !parts[1]!.startsWith('/')) [target, mode] = parts as [string, string];
    else [source, target] = parts as [string, string];
  } else if (parts.length === 3) [source, target, mode] = parts as [string, string, string];
  else throw new SyntaxProblem(`invalid volume "${spec}": too many ":"`);
  if (parts.length > 1 && parts[0] === '') throw new SyntaxProblem(`invalid volume "${spec}": empty source before ":"`);
  if (target === '') throw new SyntaxProblem(`invalid volume "${spec}": empty target`);
  // compose-go takes a lone word as an anonymous volume's target as written; the engine judges it when the container is made.
  if (parts.length > 1 && !target.startsWith('/')) throw new SyntaxProblem(`invalid volume "${spec}": target "${target}" must be an absolute path`);
  if (mode !== '' && !isModeList(mode)) throw new SyntaxProblem(`invalid volume "${spec}": unknown mode "${mode}"`);
  const modes = mode === '' ? [] : mode.split(',');
  const type = source !== '' && isPathLike(source) ? 'bind' : 'volume';
  const v: ServiceVolume = { type, target } as ServiceVolume;
  if (source !== '') {
    if (type === 'volume' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) {
      throw new SyntaxProblem(`invalid volume "${spec}": "${source}" is neither a path (start it with ./ or /) nor a volume name`);
    }
    v.source = source;
  }
  // Field order as docker compose prints it.
  const out: ServiceVolume = { type: v.type } as ServiceVolume;
  if (v.source !== undefined) out.source = v.source;
  out.target = target;
  if (modes.includes('ro')) out.read_only = true;
  const consistency = modes.find((m) => CONSISTENCY.has(m));
  if (consistency) out.consistency = consistency;
  if (type === 'bind') {
    // compose-go's order: selinux, propagation, create_host_path.
    const selinux = modes.includes('Z') ? 'Z' : modes.includes('z') ? 'z' : undefined;
    const prop = modes.find((m) => PROPAGATION.has(m));
    out.bind = { ...(selinux ? { selinux } : {}), ...(prop ? { propagation: prop } : {}), create_host_path: true };
  } else {
    out.volume = modes.includes('nocopy') ? { nocopy: true } : {};
  }
  return out;
}

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansion). */
export function shellSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) throw new SyntaxProblem(`unterminated single quote in "${s}"`);
      cur += s.slice(i + 1, j); has = true; i = j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      if (j >= s.length) throw new SyntaxProblem(`unterminated double quote in "${s}"`);
      has = true; i = j;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i]; has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = ''; has = false;
    } else {
      cur += c; has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}
