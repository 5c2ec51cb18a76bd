// One Compose service → the container of its pod: image, command, env,
// working dir, user, capabilities, probes and resources.
import type { Healthcheck, Service } from '../../compose/model.js';
import { parseDuration } from '../../units.js';
import type { ConvertContext } from './context.js';

/** A Compose healthcheck → an exec probe; undefined when there is none (or NONE/disabled). */
function probeOf(h: Healthcheck | undefined): Record<string, unknown> | undefined {
  if (!h || h.disable || !h.test || h.test.length === 0 || h.test[0] === 'NONE') return undefined;
  const [kind, ...rest] = h.test;
  const command = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
  if (command.length === 0) return undefined;
  const probe: Record<string, unknown> = { exec: { command } };
  const secs = (d: string | undefined) => (d === undefined ? undefined : Math.max(1, Math.ceil(parseDuration(d) / 1e9)));
  const set = (k: string, v: number | undefined) => { if (v !== undefined) probe[k] = v; };
  set('periodSeconds', secs(h.interval));
  set('timeoutSeconds', secs(h.timeout));
  set('failureThreshold', h.retries !== undefined ? Math.max(1, h.retries) : undefined);
  set('initialDelaySeconds', h.start_period !== undefined ? Math.ceil(parseDuration(h.start_period) / 1e9) : undefined);
  return probe;
}

/** `user: "1000:1000"` → runAsUser/runAsGroup; a name cannot be translated. */
function runAs(cx: ConvertContext, where: string, user: string | undefined): Record<string, number> {
  if (user === undefined || user === '') return {};
  const [u, g] = user.split(':');
  const out: Record<string, number> = {};
  if (/^\d+$/.test(u!)) out.runAsUser = Number(u);
  else cx.findings.drop(where, `user "${u}" is a name; Kubernetes needs a numeric uid (runAsUser)`);
  if (g !== undefined) {
    if (/^\d+$/.test(g)) out.runAsGroup = Number(g);
    else cx.findings.drop(where, `group "${g}" is a name; Kubernetes needs a numeric gid (runAsGroup)`);
  }
  return out;
}

const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

function securityContext(cx: ConvertContext, where: string, s: Service): Record<string, unknown> | undefined {
  const sc: Record<string, unknown> = { ...runAs(cx, where, s.user) };
  const caps: Record<string, string[]> = {};
  if (s.cap_add?.length) caps.add = s.cap_add.map(capName);
  if (s.cap_drop?.length) caps.drop = s.cap_drop.map(capName);
  if (Object.keys(caps).length > 0) sc.capabilities = caps;
  if (s.privileged) sc.privileged = true;
  if (s.read_only) sc.readOnlyRootFilesystem = true;
  for (const opt of s.security_opt ?? []) {
    if (/^no-new-privileges(:true)?$/.test(opt)) sc.allowPrivilegeEscalation = false;
    else if (opt === 'seccomp:unconfined' || opt === 'seccomp=unconfined') sc.seccompProfile = { type: 'Unconfined' };
    else cx.findings.drop(where, `security_opt "${opt}" is not translated`);
  }
  return Object.keys(sc).length > 0 ? sc : undefined;
}

/** deploy.resources and the service-level limits → requests and limits. */
function resources(s: Service): Record<string, unknown> | undefined {
  const r = (s.deploy?.resources ?? {}) as { limits?: Record<string, unknown>; reservations?: Record<string, unknown> };
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  const cpu = (v: unknown) => String(v);
  if (r.limits?.cpus !== undefined) limits.cpu = cpu(r.limits.cpus);
  else if (s.cpus !== undefined && s.cpus > 0) limits.cpu = cpu(s.cpus);
  if (r.limits?.memory !== undefined) limits.memory = String(r.limits.memory);
  else if (s.mem_limit !== undefined) limits.memory = s.mem_limit;
  if (r.reservations?.cpus !== undefined) requests.cpu = cpu(r.reservations.cpus);
  if (r.reservations?.memory !== undefined) requests.memory = String(r.reservations.memory);
  else if (s.mem_reservation !== undefined) requests.memory = s.mem_reservation;
  const out: Record<string, unknown> = {};
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Container ports: published and exposed targets, once each per protocol. */
export function containerPorts(s: Service): Array<{ containerPort: number; protocol: string; name?: string }> {
  const seen = new Set<string>();
  const out: Array<{ containerPort: number; protocol: string; name?: string }> = [];
  const add = (port: number, protocol: string) => {
    const p = protocol.toUpperCase();
    if (p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') return;
    if (seen.has(`${port}/${p}`)) return;
    seen.add(`${port}/${p}`);
    out.push({ containerPort: port, protocol: p });
  };
  for (const p of s.ports ?? []) add(p.target, p.protocol);
  for (const e of s.expose ?? []) for (const { port, protocol } of exposeEntries(e)) add(port, protocol);
  return out;
}

/** "80", "8000-8002/udp" → ports. */
function exposeEntries(e: string): Array<{ port: number; protocol: string }> {
  const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(e.trim());
  if (!m) return [];
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  const out: Array<{ port: number; protocol: string }> = [];
  for (let p = lo; p <= hi && p - lo < 1024; p++) out.push({ port: p, protocol: m[3] ?? 'tcp' });
  return out;
}

export function containerOf(cx: ConvertContext, name: string, s: Service, image: string, mounts: Record<string, unknown>[]): Record<string, unknown> {
  const where = `service ${name}`;
  const c: Record<string, unknown> = { name: cx.serviceNames.get(name)!, image };
  if (s.entrypoint != null) c.command = s.entrypoint;
  if (s.command != null) c.args = s.command;
  if (s.working_dir) c.workingDir = s.working_dir;
  const env = Object.entries(s.environment ?? {}).filter((e): e is [string, string] => e[1] !== null);
  if (env.length > 0) c.env = env.map(([k, v]) => ({ name: k, value: v }));
  const ports = containerPorts(s);
  if (ports.length > 0) c.ports = ports;
  const probe = probeOf(s.healthcheck);
  if (probe) { c.livenessProbe = probe; c.readinessProbe = probe; }
  const res = resources(s);
  if (res) c.resources = res;
  const sc = securityContext(cx, where, s);
  if (sc) c.securityContext = sc;
  if (mounts.length > 0) c.volumeMounts = mounts;
  if (s.tty) c.tty = true;
  if (s.stdin_open) c.stdin = true;
  if (s.pull_policy === 'always') c.imagePullPolicy = 'Always';
  else if (s.pull_policy === 'never') c.imagePullPolicy = 'Never';
  else if (s.pull_policy === 'missing') c.imagePullPolicy = 'IfNotPresent';
  return c;
}
