// A DesiredProject rebuilt from what berth labelled, for `down -p NAME` (and
// the other commands) when no compose file is at hand, as docker compose
// does: every service that has containers, and the project's own networks
// and volumes. Dependencies are unknown, so containers are handled in any order.
import { compareText } from '../text-order.js';
import type { ActualState } from './actual.js';
import { LABELS, type DesiredProject } from './desired.js';

export function desiredFromState(project: string, actual: ActualState): DesiredProject {
  const services = [...new Set(actual.containers.filter((c) => c.project === project).map((c) => c.service))].sort();
  return {
    name: project,
    services: services.map((name) => ({
      name, configHash: '', replicas: 0, image: '', localImage: false, pullPolicy: 'missing', build: false,
      dependsOn: {}, networks: [], volumes: [], enabled: true, profiles: [], restart: 'no',
    })),
    networks: actual.networks.filter((n) => n.labels[LABELS.project] === project).map((n) => ({
      key: n.labels[LABELS.network] ?? n.name, name: n.name, external: false, driver: n.driver, config: n.config, labels: {},
    })).sort((a, b) => compareText(a.name, b.name)),
    volumes: actual.volumes.filter((v) => v.labels[LABELS.project] === project).map((v) => ({
      key: v.labels[LABELS.volume] ?? v.name, name: v.name, external: false, driver: v.driver, driverOpts: v.driverOpts, labels: {},
    })).sort((a, b) => compareText(a.name, b.name)),
  };
}
