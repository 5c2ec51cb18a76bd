// An in-memory engine implementing the executor's Drivers, for testing the
// executor's own scheduling logic. It keeps containers by name, records every
// call in order, tracks how many calls run at once, and fails or turns
// unhealthy where a test says so.
import type { Drivers } from '../../../src/reconcile/execute.js';
import type { ContainerAction } from '../../../src/reconcile/plan.js';

export interface FakeContainer { name: string; service: string; status: 'created' | 'running' | 'exited'; health?: 'healthy' | 'unhealthy'; exitCode?: number }

export interface FakeBehaviour {
  /** container name or service → error message thrown by start */
  failStart?: Record<string, string>;
  /** service → health reported after start */
  health?: Record<string, 'healthy' | 'unhealthy'>;
  /** service → exit code the container exits with right after start */
  exitWith?: Record<string, number>;
  /** milliseconds every call takes */
  delay?: number;
}

export class FakeEngine implements Drivers {
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Set<string>();
  readonly volumes = new Set<string>();
  readonly log: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly b: FakeBehaviour = {}) {}

  private async step<T>(entry: string, fn: () => T): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, this.b.delay ?? 1));
      this.log.push(entry);
      return fn();
    } finally {
      this.inFlight--;
    }
  }

  private need(name: string): FakeContainer {
    const c = this.containers.get(name);
    if (!c) throw new Error(`no such container: ${name}`);
    return c;
  }

  private byId(a: ContainerAction): FakeContainer {
    return this.need(a.containerId ? [...this.containers.values()].find((c) => `id-${c.name}` === a.containerId || c.name === a.containerId)?.name ?? a.name : a.name);
  }

  createNetwork(a: { name: string }) { return this.step(`network create ${a.name}`, () => { this.networks.add(a.name); }); }
  removeNetwork(a: { name: string }) { return this.step(`network remove ${a.name}`, () => { this.networks.delete(a.name); }); }
  createVolume(a: { name: string }) { return this.step(`volume create ${a.name}`, () => { this.volumes.add(a.name); }); }
  removeVolume(a: { name: string }) { return this.step(`volume remove ${a.name}`, () => { this.volumes.delete(a.name); }); }
  pullImage(a: { name: string }) { return this.step(`pull ${a.name}`, () => undefined); }
  buildImage(a: { name: string }) { return this.step(`build ${a.name}`, () => undefined); }
  removeImage(a: { name: string }) { return this.step(`rmi ${a.name}`, () => undefined); }
  createContainer(a: ContainerAction) {
    return this.step(`create ${a.name}`, () => {
      if (this.containers.has(a.name)) throw new Error(`container name ${a.name} is already in use`);
      this.containers.set(a.name, { name: a.name, service: a.service, status: 'created' });
    });
  }
  renameContainer(a: ContainerAction, newName: string) {
    return this.step(`rename ${a.name} ${newName}`, () => {
      const c = this.byId(a);
      this.containers.delete(c.name);
      c.name = newName;
      this.containers.set(newName, c);
    });
  }
  startContainer(a: ContainerAction) {
    return this.step(`start ${a.name}`, () => {
      const c = this.need(a.name);
      const fail = this.b.failStart?.[a.name] ?? this.b.failStart?.[a.service];
      if (fail) { c.status = 'exited'; c.exitCode = 127; throw new Error(fail); }
      c.status = 'running';
      c.health = this.b.health?.[a.service];
      const code = this.b.exitWith?.[a.service];
      if (code !== undefined) { c.status = 'exited'; c.exitCode = code; }
    });
  }
  stopContainer(a: ContainerAction) { return this.step(`stop ${a.name}`, () => { const c = this.byId(a); if (c.status === 'running') { c.status = 'exited'; c.exitCode = 0; } }); }
  removeContainer(a: ContainerAction) {
    return this.step(`remove ${a.name}`, () => {
      const c = this.need(a.name);
      if (c.status === 'running') throw new Error(`container ${a.name} is running`);
      this.containers.delete(a.name);
    });
  }
  killContainer(a: ContainerAction) { return this.step(`kill ${a.name} ${a.signal}`, () => { this.need(a.name).status = 'exited'; }); }
  pauseContainer(a: ContainerAction) { return this.step(`pause ${a.name}`, () => undefined); }
  unpauseContainer(a: ContainerAction) { return this.step(`unpause ${a.name}`, () => undefined); }
  restartContainer(a: ContainerAction) { return this.step(`restart ${a.name}`, () => { this.need(a.name).status = 'running'; }); }
  waitCondition(a: { name: string; condition: string }, signal: AbortSignal) {
    return this.step(`wait ${a.name} ${a.condition}`, () => {
      if (signal.aborted) throw new Error('interrupted');
      const cs = [...this.containers.values()].filter((c) => c.service === a.name);
      if (cs.length === 0) throw new Error(`service ${a.name} has no container`);
      for (const c of cs) {
        if (a.condition === 'service_started' && c.status === 'created') throw new Error(`container ${c.name} is not running`);
        if (a.condition === 'service_healthy' && c.health !== 'healthy') throw new Error(`container ${c.name} is ${c.health ?? 'not healthy (no healthcheck)'}`);
        if (a.condition === 'service_completed_successfully' && (c.status !== 'exited' || c.exitCode !== 0)) {
          throw new Error(`container ${c.name} exited with code ${c.exitCode ?? '(still running)'}`);
        }
      }
    });
  }
}
