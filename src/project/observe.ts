// The actual state of one project for the reconciler: container records with
// their status checked against the shim (a dead shim reads as dead, never
// running), the networks and volumes on record, and which of the project's
// image references resolve in the store.
import { listBrokenRecords } from '../container/record.js';
import { observeStatus } from '../container/status.js';
import { listNetworks } from '../network/networks.js';
import type { ActualContainer, ActualImage, ActualNetwork, ActualState } from '../reconcile/actual.js';
import { observe } from '../reconcile/actual.js';
import { observeVolumes } from '../reconcile/adapters/volumes.js';
import { fromLabels } from '../reconcile/labels.js';
import type { Engine } from './engine.js';
import { LABELS } from '../compose-labels.js';

/** Label on the networks berth creates: the DesiredNetwork.config map, to compare on the next up. */
export const NETWORK_CONFIG_LABEL = 'io.berth.network.config';

export function observeContainers(engine: Engine, project?: string): ActualContainer[] {
  const out: ActualContainer[] = [];
  for (const { record, observed } of engine.containers.list()) {
    if (project !== undefined && record.labels[LABELS.project] !== project) continue;
    const c = fromLabels({
      id: record.id, name: record.name, labels: record.labels, status: observed.status,
      exitCode: observed.state?.exitCode, health: observed.state?.health?.status ?? 'none', imageId: record.image.id,
    });
    if (c) out.push(c);
  }
  // A container whose record cannot be read is still the project's (its
  // identity is in the OCI config's annotations): with no config hash it is
  // recreated by `up` and removed by `down`, instead of breaking either.
  for (const b of listBrokenRecords(engine.paths)) {
    if (project !== undefined && b.labels[LABELS.project] !== project) continue;
    const observed = observeStatus(engine.containers.pathsOf(b.id), b.id);
    const c = fromLabels({ id: b.id, name: b.name ?? b.id.slice(0, 12), labels: b.labels, status: observed.status, exitCode: observed.state?.exitCode });
    if (c) out.push(c);
  }
  return out;
}

function observeNetworks(engine: Engine): ActualNetwork[] {
  return listNetworks(engine.paths).map((n) => {
    let config: Record<string, string> = {};
    try { config = JSON.parse(n.labels[NETWORK_CONFIG_LABEL] ?? '{}') as Record<string, string>; } catch { /* foreign label */ }
    const labels = { ...n.labels };
    delete labels[NETWORK_CONFIG_LABEL];
    return { name: n.name, id: n.id, labels, driver: n.driver, config };
  });
}

/** The given references that resolve in the image store, with their ids. */
function observeImages(engine: Engine, refs: string[]): ActualImage[] {
  const out: ActualImage[] = [];
  for (const ref of new Set(refs.filter(Boolean))) {
    let id: string | undefined;
    try { id = engine.images.lookup(ref); } catch { id = undefined; }
    if (!id) continue;
    // Never pulled (loaded, imported, built, tagged): when it entered the store, like Docker's last tag time.
    let pulledAt: string | undefined;
    try { pulledAt = engine.images.pulledAt(ref)?.toISOString() ?? engine.images.record(id).added; } catch { pulledAt = undefined; }
    out.push({ ref, id, ...(pulledAt ? { pulledAt } : {}) });
  }
  return out;
}

export function observeProject(engine: Engine, project: string, imageRefs: string[]): Promise<ActualState> {
  return observe(project, {
    containers: () => observeContainers(engine, project),
    networks: () => observeNetworks(engine),
    volumes: () => observeVolumes(engine.volumes),
    images: () => observeImages(engine, imageRefs),
  });
}
