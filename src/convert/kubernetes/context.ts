// What every part of one conversion shares: the project, its Kubernetes names
// and the labels every object carries.
import type { Project } from '../../compose/model.js';
import { LABELS } from '../../compose-labels.js';
import { Findings, type ConvertOptions, type K8sObject, type ObjectMeta } from './types.js';
import { labelValue, uniqueLabels } from './names.js';

/** The label that marks a pod as attached to a Compose network (NetworkPolicies select on it). */
export const NETWORK_LABEL_PREFIX = `${LABELS.network}/`;

export class ConvertContext {
  readonly findings = new Findings();
  /** Compose service name → Kubernetes name. */
  readonly serviceNames: Map<string, string>;
  /** Top-level volume key → PersistentVolumeClaim name. */
  readonly volumeNames: Map<string, string>;
  /** Top-level network key → the label name part used in NETWORK_LABEL_PREFIX. */
  readonly networkNames: Map<string, string>;
  readonly secretNames: Map<string, string>;
  readonly configNames: Map<string, string>;

  constructor(readonly project: Project, readonly options: ConvertOptions) {
    this.serviceNames = uniqueLabels(Object.keys(project.services));
    const real = (o: Record<string, { name: string }>) => new Map(Object.entries(o).map(([k, v]) => [k, v.name]));
    this.volumeNames = mapVia(real(project.volumes));
    this.networkNames = uniqueLabels(Object.keys(project.networks));
    this.secretNames = mapVia(real(project.secrets));
    this.configNames = mapVia(real(project.configs));
  }

  /** Labels of every object of the project (and of one service's objects). */
  labels(service?: string): Record<string, string> {
    const l: Record<string, string> = { [LABELS.project]: labelValue(this.project.name) };
    if (service !== undefined) l[LABELS.service] = labelValue(service);
    return l;
  }

  meta(name: string, service?: string, annotations?: Record<string, string>): ObjectMeta {
    const m: ObjectMeta = { name };
    if (this.options.namespace) m.namespace = this.options.namespace;
    m.labels = this.labels(service);
    if (annotations && Object.keys(annotations).length > 0) m.annotations = annotations;
    return m;
  }

  object(apiVersion: string, kind: string, meta: ObjectMeta, body: Record<string, unknown>): K8sObject {
    return { apiVersion, kind, metadata: meta, ...body };
  }
}

/** Keys → unique DNS labels of their real names ("proj_data" → "proj-data"). */
function mapVia(real: Map<string, string>): Map<string, string> {
  const labels = uniqueLabels(real.values());
  return new Map([...real].map(([k, name]) => [k, labels.get(name)!]));
}
