// Compose's labels both ways: what berth writes on the containers, networks
// and volumes it creates, and how observe() reads a container back from them.
// They are the only link between a record and its project, as in Compose.
import type { ActualContainer, ContainerStatus, HealthStatus } from './actual.js';
import { LABELS } from './desired.js';

export function containerLabels(project: string, service: string, number: number, configHash: string, oneoff = false): Record<string, string> {
  return {
    [LABELS.project]: project,
    [LABELS.service]: service,
    [LABELS.number]: String(number),
    [LABELS.configHash]: configHash,
    [LABELS.oneoff]: oneoff ? 'True' : 'False',
  };
}

export function networkLabels(project: string, key: string): Record<string, string> {
  return { [LABELS.project]: project, [LABELS.network]: key };
}

export function volumeLabels(project: string, key: string): Record<string, string> {
  return { [LABELS.project]: project, [LABELS.volume]: key };
}

/** A container record as the container layer knows it. */
export interface LabelledContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  status: ContainerStatus;
  exitCode?: number;
  health?: HealthStatus;
  imageId?: string;
}

/** The reconciler's view of a container; undefined when it carries no project/service labels. */
export function fromLabels(c: LabelledContainer): ActualContainer | undefined {
  const project = c.labels[LABELS.project];
  const service = c.labels[LABELS.service];
  if (!project || !service) return undefined;
  const n = Number(c.labels[LABELS.number]);
  return {
    id: c.id,
    name: c.name,
    project,
    service,
    number: Number.isInteger(n) && n > 0 ? n : 0,
    configHash: c.labels[LABELS.configHash] ?? '',
    status: c.status,
    exitCode: c.exitCode,
    health: c.health,
    imageId: c.imageId,
    oneoff: c.labels[LABELS.oneoff] === 'True',
  };
}
