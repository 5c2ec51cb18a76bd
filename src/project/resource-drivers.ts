// Networks and images for the executor: networks through src/network (the
// project's labels and its comparable config recorded on them), images pulled
// from their registry or built from the service's build section (build.ts).
import { BerthError } from '../errors.js';
import { createNetwork, getNetwork, hostLinkNames, listNetworks, removeNetwork, repairFirewall } from '../network/networks.js';
import type { DesiredProject } from '../reconcile/desired.js';
import type { Drivers } from '../reconcile/execute.js';
import { networkLabels } from '../reconcile/labels.js';
import type { Project } from '../compose/model.js';
import type { Engine } from './engine.js';
import { NETWORK_CONFIG_LABEL } from './observe.js';
import { crashPoint } from '../state/crash.js';
import type { BuildFlags } from './build.js';
import { LABELS } from '../compose-labels.js';
import { registryAccess } from './registry-access.js';

export function networkDrivers(engine: Engine, project: Project | undefined, desired: DesiredProject): Pick<Drivers, 'createNetwork' | 'removeNetwork'> {
  return {
    async createNetwork(a) {
      const want = desired.networks.find((n) => n.name === a.name);
      const cfg = project && want ? project.networks[want.key] : undefined;
      if (!want || !cfg) throw new BerthError(`network ${a.name} is not part of project ${desired.name}`);
      if (getNetwork(engine.paths, want.name)) return; // made by an interrupted run: the plan checked it
      await createNetwork(engine.paths, engine.config, {
        name: want.name, driver: want.driver, internal: cfg.internal, attachable: cfg.attachable, enable_ipv6: cfg.enable_ipv6,
        driver_opts: cfg.driver_opts, ipam: cfg.ipam,
        labels: { ...want.labels, ...networkLabels(desired.name, want.key), [NETWORK_CONFIG_LABEL]: JSON.stringify(want.config) },
      });
      crashPoint('network-created');
    },
    async removeNetwork(a) {
      if (!getNetwork(engine.paths, a.name)) return;
      await removeNetwork(engine.paths, engine.config, a.name);
    },
  };
}

export function imageDrivers(engine: Engine, project?: Project, build: BuildFlags = {}): Pick<Drivers, 'pullImage' | 'buildImage' | 'removeImage'> {
  return {
    async pullImage(a) {
      const { pullImage } = await import('../image/registry/pull.js');
      await pullImage(engine.images, a.name, registryAccess(engine.config));
    },
    async buildImage(a, signal?: AbortSignal) {
      const service = a.services.find((s) => project?.services[s]?.build !== undefined);
      if (!project || !service) throw new BerthError(`image ${a.name}: no service of the project builds it`);
      // Loaded on the first build only: the image builder is ~15 ms of start-up every `up` would pay.
      const { buildService } = await import('./build.js');
      await buildService(engine, project, service, { ...build, signal: build.signal ?? signal });
    },
    async removeImage(a) {
      if (!engine.images.lookup(a.name)) return;
      await engine.images.remove(a.name);
    },
  };
}

/**
 * A network record whose bridge is gone (a crash between the record and the
 * bridge, a reboot) and that no container uses is removed, so that the plan
 * creates the network again. The others get back firewall rules that another
 * tool's reload flushed: returned still under way (an nft listing, ~15 ms),
 * as it changes no record, so that the caller can observe the project
 * meanwhile; await it before acting.
 */
export async function repairNetworks(engine: Engine, project: string): Promise<{ firewall: Promise<unknown> }> {
  const alive: string[] = [];
  const mine = listNetworks(engine.paths).filter((n) => n.labels[LABELS.project] === project && n.driver === 'bridge');
  if (mine.length === 0) return { firewall: Promise.resolve() };
  const links = hostLinkNames();
  for (const n of mine) {
    if (links.has(n.bridge)) alive.push(n.id);
    else if (n.containers.length === 0) await removeNetwork(engine.paths, engine.config, n.id);
  }
  const firewall = repairFirewall(engine.paths, engine.config, alive);
  firewall.catch(() => undefined);  // awaited (and reported) by the caller
  return { firewall };
}
