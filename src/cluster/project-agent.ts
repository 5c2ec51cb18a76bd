// The node agent's share of cluster projects: on every change of the projects
// or of the published rows, converge this node's part of each project with
// the project service (through the Workload port, which the project layer
// implements: the cluster layer never calls up), publish this node's
// container rows, and withdraw the parts that are no longer this node's
// (a project removed, a service placed elsewhere). A marker file per held
// project (<root>/cluster/projects/<name>.json) lets an agent that was down
// withdraw a project removed meanwhile.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../compose/model.js';
import { writeJsonAtomic } from '../state/atomic.js';
import type { StatePaths } from '../state/paths.js';
import { etcdFor, type Membership } from '../network/stores/membership.js';
import { partFor, readyServices, type ClusterRow } from './project-part.js';
import type { Serve } from './requests.js';
import { clusterRows, listClusterProjects, projectKeys, type ConvergeError, type Holding } from './projects.js';

/** What the agent needs of the project service on its node. */
export interface Workload {
  /** Converges the project (this node's part) with `services` started; orphans of the part are removed. */
  up(project: Project, services: string[]): Promise<void>;
  /** Takes the project's containers and networks (and volumes) off this node. */
  down(name: string, volumes: boolean): Promise<void>;
  /** This node's containers of the project, as rows (no NODE, no STATUS text). */
  rows(name: string): Array<Omit<ClusterRow, 'Node'>>;
  /** Runs a request of another node (logs, exec of a service of this node). */
  serve: Serve;
}

const markerDir = (paths: StatePaths) => join(paths.root, 'cluster', 'projects');

export class ProjectAgent {
  /** Per project, the (update, ready services) last converged: the same again runs nothing. */
  private converged = new Map<string, string>();
  private waitingSaid = new Map<string, string>();
  /** Row keys and values written under `lease`. */
  private written = new Map<string, string>();
  private lease = '';

  constructor(readonly paths: StatePaths, readonly workload: Workload, readonly log: (msg: string) => void) {}

  private held(): string[] {
    try { return readdirSync(markerDir(this.paths)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)); } catch { return []; }
  }

  /** One pass; true when this node holds a part of some project (its rows are published again soon). */
  async converge(m: Membership): Promise<boolean> {
    if (m.lease !== this.lease) { this.written.clear(); this.lease = m.lease; }
    const etcd = etcdFor(m.store);
    const k = projectKeys(m.prefix);
    const [records, rows] = await Promise.all([listClusterProjects(m), clusterRows(m)]);
    const known = new Set<string>();
    for (const p of records) {
      const mine = Object.keys(p.project.services).filter((s) => p.placement[s] === m.node);
      if (p.removing || !mine.length) continue;
      known.add(p.name);
      mkdirSync(markerDir(this.paths), { recursive: true, mode: 0o700 });
      writeJsonAtomic(join(markerDir(this.paths), `${p.name}.json`), { name: p.name });
      const { ready, waiting } = readyServices(p, m.node, rows);
      const said = [...waiting].map(([s, b]) => `${s} waits for ${b.join(', ')}`).join('; ');
      if (said && this.waitingSaid.get(p.name) !== said) this.log(`project ${p.name}: ${said}`);
      this.waitingSaid.set(p.name, said);
      const step = JSON.stringify([p.updated, ready]);
      if (ready.length && this.converged.get(p.name) !== step) {
        this.log(`project ${p.name}: converging ${ready.join(', ')}`);
        try {
          await this.workload.up(partFor(p, m.node), ready);
          this.converged.set(p.name, step);
          await etcd.delete(k.error(p.name, m.node));
        } catch (e) {
          // Said to the `up` waiting for it, and tried again on the next pass.
          const message = (e as Error).message.split('\n')[0]!;
          this.log(`project ${p.name}: ${message}`);
          const err: ConvergeError = { updated: p.updated, message };
          await etcd.put(k.error(p.name, m.node), JSON.stringify(err), m.lease);
        }
      }
      // Fully converged: every service of this node's part was started for this update of the project.
      const holding: Holding = { converged: !waiting.size && this.converged.get(p.name) === step ? p.updated : '' };
      await this.putOnce(m, k.held(p.name, m.node), JSON.stringify(holding));
      await this.publish(m, p.name);
    }
    for (const name of this.held().filter((n) => !known.has(n))) {
      const removing = records.find((p) => p.name === name)?.removing;
      await this.withdraw(m, name, removing?.volumes ?? false);
    }
    return known.size > 0;
  }

  private async putOnce(m: Membership, key: string, value: string): Promise<void> {
    if (this.written.get(key) === value) return;
    await etcdFor(m.store).put(key, value, m.lease);
    this.written.set(key, value);
  }

  /** This node's rows of the project in etcd, written when they changed, under the node's lease. */
  private async publish(m: Membership, name: string): Promise<void> {
    const etcd = etcdFor(m.store);
    const k = projectKeys(m.prefix);
    const want = new Map(this.workload.rows(name).map((r) => [k.row(name, m.node, r.Name), JSON.stringify({ ...r, Node: m.node })]));
    for (const [key, value] of want) await this.putOnce(m, key, value);
    for (const kv of (await etcd.list(k.nodeRows(name, m.node))).kvs) {
      if (!want.has(kv.key)) { await etcd.delete(kv.key); this.written.delete(kv.key); }
    }
  }

  private async withdraw(m: Membership, name: string, volumes: boolean): Promise<void> {
    this.log(`project ${name}: withdrawing this node's part`);
    await this.workload.down(name, volumes);
    const etcd = etcdFor(m.store);
    const k = projectKeys(m.prefix);
    await etcd.txn([], [
      { delete: { key: k.nodeRows(name, m.node), prefix: true } }, { delete: { key: k.held(name, m.node) } }, { delete: { key: k.error(name, m.node) } },
    ]);
    for (const key of [...this.written.keys()]) if (key.startsWith(k.nodeRows(name, m.node)) || key === k.held(name, m.node)) this.written.delete(key);
    rmSync(join(markerDir(this.paths), `${name}.json`), { force: true });
    this.converged.delete(name);
    this.waitingSaid.delete(name);
  }
}
