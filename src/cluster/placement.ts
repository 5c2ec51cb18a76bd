// Placement of a cluster project's services on nodes: pure, data in and a
// placement out. Each service (all its replicas) goes to one node:
//   1. `deploy.placement.constraints` filter the live nodes
//      (node.hostname ==|!= NAME, node.labels.KEY ==|!= VALUE; all must hold);
//   2. a service placed before stays where it is while that node is live and
//      still satisfies the constraints (a second `up` moves nothing);
//   3. otherwise the node with the fewest containers wins, counting what this
//      placement has put there so far; ties go to the first name in order.
// Services are placed in name order, so the same input gives the same answer.
import { BerthError } from '../errors.js';
import { compareText } from '../text-order.js';

export interface PlacementNode {
  name: string;
  labels: Record<string, string>;
  /** Containers the node runs for other projects. */
  containers: number;
}

export interface ServiceDemand {
  name: string;
  replicas: number;
  constraints: string[];
}

/** Service name → node name. */
export type Placement = Record<string, string>;

export interface Constraint {
  text: string;
  field: { kind: 'hostname' } | { kind: 'label'; key: string };
  equal: boolean;
  value: string;
}

const FORM = /^\s*([A-Za-z0-9_.\/-]+)\s*(==|!=)\s*(.*?)\s*$/;

/** One constraint expression; a BerthError naming the service for anything not understood. */
export function parseConstraint(service: string, text: string): Constraint {
  const m = FORM.exec(text);
  const where = `service ${service}: placement constraint '${text}'`;
  if (!m || !m[3]) throw new BerthError(`${where} is not of the form node.hostname|node.labels.KEY ==|!= VALUE`);
  const [, lhs, op, value] = m as unknown as [string, string, string, string];
  const equal = op === '==';
  if (lhs === 'node.hostname') return { text, field: { kind: 'hostname' }, equal, value };
  if (lhs.startsWith('node.labels.') && lhs.length > 'node.labels.'.length) {
    return { text, field: { kind: 'label', key: lhs.slice('node.labels.'.length) }, equal, value };
  }
  throw new BerthError(`${where}: ${lhs} is not supported (node.hostname, node.labels.KEY)`);
}

function satisfies(node: PlacementNode, c: Constraint): boolean {
  const have = c.field.kind === 'hostname' ? node.name : node.labels[c.field.key];
  return (have === c.value) === c.equal;
}

/** The constraints of a service's `deploy` section (absent: none); a list of strings or an error. */
export function constraintsOf(service: string, deploy: Record<string, unknown> | undefined): string[] {
  const placement = deploy?.placement as { constraints?: unknown } | undefined;
  const list = placement?.constraints;
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((c) => typeof c !== 'string')) {
    throw new BerthError(`service ${service}: deploy.placement.constraints must be a list of strings`);
  }
  return list as string[];
}

/**
 * Every service on a node, or one BerthError naming the first service that no
 * live node can take (and the constraint at fault). `previous` is the last
 * placement of the same project.
 */
export function placeServices(services: ServiceDemand[], nodes: PlacementNode[], previous: Placement = {}): Placement {
  const parsed = new Map(services.map((s) => [s.name, s.constraints.map((c) => parseConstraint(s.name, c))]));
  const load = new Map(nodes.map((n) => [n.name, n.containers]));
  const ordered = [...nodes].sort((a, b) => compareText(a.name, b.name));
  const out: Placement = {};
  for (const s of [...services].sort((a, b) => compareText(a.name, b.name))) {
    const cs = parsed.get(s.name)!;
    const fit = ordered.filter((n) => cs.every((c) => satisfies(n, c)));
    if (!fit.length) throw new BerthError(unsatisfiedMessage(s.name, cs, ordered));
    const kept = fit.find((n) => n.name === previous[s.name]);
    const chosen = kept ?? fit.reduce((best, n) => (load.get(n.name)! < load.get(best.name)! ? n : best));
    out[s.name] = chosen.name;
    load.set(chosen.name, load.get(chosen.name)! + s.replicas);
  }
  return out;
}

function unsatisfiedMessage(service: string, cs: Constraint[], nodes: PlacementNode[]): string {
  if (!nodes.length) return `service ${service}: no live node in the cluster`;
  const alone = cs.find((c) => !nodes.some((n) => satisfies(n, c)));
  const what = alone ? `the placement constraint '${alone.text}'` : `the placement constraints ${cs.map((c) => `'${c.text}'`).join(' and ')} together`;
  return `service ${service}: no live node satisfies ${what}`;
}
