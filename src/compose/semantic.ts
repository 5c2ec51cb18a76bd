// Checks a schema cannot express: references between services and to
// top-level resources, dependency cycles, conflicting options. Runs on the
// normalized project; positions come from the raw (merged) tree.
import { ComposeError, pathString } from './errors.js';
import type { Project, Service } from './model.js';
import { replicasOf } from './normalize-service.js';
import { isObj, posAt } from './source.js';

type P = Array<string | number>;

/** Own keys only: a reference to "constructor" or "toString" must not find Object.prototype's. */
const has = (o: object, k: string): boolean => Object.hasOwn(o, k);

export class Checker {
  constructor(private readonly raw: unknown, private readonly project: Project, private readonly disabled: Map<string, string[]>) {}

  private fail(msg: string, path: P, which: 'key' | 'value' = 'value'): never {
    throw new ComposeError(msg, posAt(this.raw, path, which), pathString(path));
  }

  private serviceRef(target: string, path: P, what: string): void {
    if (has(this.project.services, target)) return;
    const profiles = this.disabled.get(target);
    if (profiles) this.fail(`${what} refers to service "${target}", which is disabled by its profiles (${profiles.join(', ')}): enable one with --profile`, path);
    this.fail(`${what} refers to undefined service "${target}"`, path);
  }

  run(): void {
    const rawServices = isObj(this.raw) && isObj(this.raw.services) ? this.raw.services : {};
    const containerNames = new Map<string, string>();
    for (const [name, s] of Object.entries(this.project.services)) {
      const base: P = ['services', name];
      const rawSvc = isObj(rawServices[name]) ? rawServices[name] : {};
      // An empty image (an unset variable) counts as none, as compose-go's consistency check has it.
      if (!s.image && s.build === undefined && s.provider === undefined) {
        this.fail(`service "${name}" has neither an image nor a build context`, base, 'key');
      }
      this.dependsOn(name, s, base);
      for (const [i, l] of (s.links ?? []).entries()) this.serviceRef(l.split(':')[0]!, [...base, 'links', i], 'links');
      for (const [i, v] of (s.volumes_from ?? []).entries()) {
        if (v.startsWith('container:')) continue;
        this.serviceRef(v.split(':')[0]!, [...base, 'volumes_from', i], 'volumes_from');
      }
      const nm = s.network_mode;
      if (nm !== undefined) {
        if (rawSvc.networks !== undefined) this.fail('network_mode and networks cannot be combined', [...base, 'network_mode'], 'key');
        if (nm.startsWith('service:')) this.serviceRef(nm.slice(8), [...base, 'network_mode'], 'network_mode');
      }
      this.namespaceModes(name, s, base);
      if (s.container_name !== undefined) {
        const other = containerNames.get(s.container_name);
        if (other !== undefined) this.fail(`container name "${s.container_name}" is already in use by service ${other}`, [...base, 'container_name']);
        containerNames.set(s.container_name, name);
      }
      if (s.container_name !== undefined && replicasOf(s) > 1) {
        this.fail(`container_name "${s.container_name}" cannot be used with ${replicasOf(s)} replicas (scale)`, [...base, 'container_name'], 'key');
      }
      for (const n of Object.keys(s.networks ?? {})) {
        if (!has(this.project.networks, n)) this.fail(`undefined network "${n}"`, [...base, 'networks', n], 'key');
      }
      for (const [i, v] of (s.volumes ?? []).entries()) {
        if (v.type === 'volume' && v.source && !has(this.project.volumes, v.source)) {
          this.fail(`undefined volume "${v.source}": declare it under the top-level volumes`, [...base, 'volumes', i]);
        }
      }
      for (const kind of ['secrets', 'configs'] as const) {
        for (const [i, r] of (s[kind] ?? []).entries()) {
          if (!has(this.project[kind], r.source)) this.fail(`undefined ${kind.slice(0, -1)} "${r.source}"`, [...base, kind, i]);
        }
      }
    }
    this.cycles();
  }

  private dependsOn(name: string, s: Service, base: P): void {
    for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
      if (dep === name) this.fail(`service "${name}" depends on itself`, [...base, 'depends_on', dep], 'key');
      if (has(this.project.services, dep)) continue;
      if (!d.required) { delete s.depends_on![dep]; continue; }
      this.serviceRef(dep, [...base, 'depends_on', dep], 'depends_on');
    }
  }

  /** pid (host, service:, container:), ipc (host, private, shareable, none, service:, container:) and uts (host). */
  private namespaceModes(name: string, s: Service, base: P): void {
    const allowed = { pid: ['host'], ipc: ['host', 'private', 'shareable', 'none'] } as const;
    for (const key of ['pid', 'ipc'] as const) {
      const v = s[key];
      if (v === undefined || v === '') continue;
      const path = [...base, key];
      const i = v.indexOf(':');
      const kind = i < 0 ? v : v.slice(0, i);
      const target = i < 0 ? '' : v.slice(i + 1);
      if (kind === 'service' && target) {
        if (target === name) this.fail(`${key} "${v}": a service cannot share its own namespace`, path);
        this.serviceRef(target, path, key);
      } else if (!(kind === 'container' && target) && !(i < 0 && (allowed[key] as readonly string[]).includes(v))) {
        this.fail(`invalid ${key} mode "${v}": expected ${allowed[key].join(', ')}, service:NAME or container:NAME`, path);
      }
    }
    if (s.uts !== undefined && s.uts !== '' && s.uts !== 'host') this.fail(`invalid uts mode "${s.uts}": only "host" is supported`, [...base, 'uts']);
  }

  /** Dependencies: depends_on, links, volumes_from and network_mode/pid/ipc service:. */
  private edges(s: Service): string[] {
    const out = Object.keys(s.depends_on ?? {});
    for (const l of s.links ?? []) out.push(l.split(':')[0]!);
    for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) out.push(v.split(':')[0]!);
    for (const m of [s.network_mode, s.pid, s.ipc]) if (m?.startsWith('service:')) out.push(m.slice(8));
    return out.filter((n) => has(this.project.services, n));
  }

  private cycles(): void {
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      stack.push(n);
      for (const d of this.edges(this.project.services[n]!)) {
        const st = state.get(d);
        if (st === 1) {
          const chain = [...stack.slice(stack.indexOf(d)), d].join(' -> ');
          this.fail(`dependency cycle: ${chain}`, ['services', n, 'depends_on', d], 'key');
        }
        if (st === undefined) visit(d);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of Object.keys(this.project.services).sort()) if (!state.has(n)) visit(n);
  }
}
