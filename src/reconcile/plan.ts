// A Plan is a list of actions with ids and the ids each must wait for, plus
// what was left unchanged and warnings. It prints as stable text (`--dry-run`,
// golden tests) and as JSON. Actions name containers by their unique name, so
// an action never needs an id produced by an earlier one.
import type { DependencyCondition } from './desired.js';

export type Resource = 'Network' | 'Volume' | 'Image' | 'Container' | 'Service';

interface Base {
  id: number;
  /** Ids of the actions that must succeed first. */
  after: number[];
  /** Why (shown in parentheses), e.g. "config hash changed". */
  reason?: string;
}

export interface NetworkAction extends Base {
  kind: 'network.create' | 'network.remove';
  resource: 'Network';
  name: string;
  /** The Compose key (create only). */
  key?: string;
}

export interface VolumeAction extends Base {
  kind: 'volume.create' | 'volume.remove';
  resource: 'Volume';
  name: string;
  key?: string;
}

export interface ImageAction extends Base {
  kind: 'image.pull' | 'image.build' | 'image.remove';
  resource: 'Image';
  /** The image reference. */
  name: string;
  /** Services that use it (pull, remove) or the one that builds it (build). */
  services: string[];
}

export interface ContainerAction extends Base {
  kind: 'container.create' | 'container.recreate' | 'container.start' | 'container.stop' | 'container.remove'
    | 'container.kill' | 'container.pause' | 'container.unpause' | 'container.restart';
  resource: 'Container';
  /** The container name (unique). */
  name: string;
  service: string;
  number: number;
  /** The existing container (all but create). */
  containerId?: string;
  /** recreate: the old container's current name (it may already be the moved-aside name). */
  currentName?: string;
  /** recreate: the new container does not inherit the old one's anonymous volumes. */
  renewAnonVolumes?: boolean;
  /** remove: also remove its anonymous volumes. */
  removeVolumes?: boolean;
  /** kill: the signal. */
  signal?: string;
}

export interface WaitAction extends Base {
  kind: 'service.wait';
  resource: 'Service';
  /** The dependency waited for. */
  name: string;
  /** The dependent that waits. */
  dependent: string;
  condition: DependencyCondition;
  /** false: failure or absence is tolerated with a warning. */
  required: boolean;
}

export type Action = NetworkAction | VolumeAction | ImageAction | ContainerAction | WaitAction;
type ActionKind = Action['kind'];

/** Something the plan leaves as it is (printed so that a no-op plan says why). */
interface Unchanged {
  resource: Resource;
  name: string;
  state: string;
}

export interface Plan {
  project: string;
  actions: Action[];
  unchanged: Unchanged[];
  warnings: string[];
}

type NewAction = Action extends infer A ? A extends Action ? Omit<A, 'id'> : never : never;

/** Collects actions in order, numbering them from 1. */
export class PlanBuilder {
  private readonly plan: Plan;
  constructor(project: string) {
    this.plan = { project, actions: [], unchanged: [], warnings: [] };
  }
  add(action: NewAction): number {
    const id = this.plan.actions.length + 1;
    const after = [...new Set(action.after)].sort((a, b) => a - b);
    this.plan.actions.push({ ...action, id, after } as Action);
    return id;
  }
  unchanged(resource: Resource, name: string, state: string): void {
    this.plan.unchanged.push({ resource, name, state });
  }
  warn(message: string): void {
    if (!this.plan.warnings.includes(message)) this.plan.warnings.push(message);
  }
  build(): Plan { return this.plan; }
}

const VERBS: Record<ActionKind, string> = {
  'network.create': 'Create', 'network.remove': 'Remove',
  'volume.create': 'Create', 'volume.remove': 'Remove',
  'image.pull': 'Pull', 'image.build': 'Build', 'image.remove': 'Remove',
  'container.create': 'Create', 'container.recreate': 'Recreate', 'container.start': 'Start',
  'container.stop': 'Stop', 'container.remove': 'Remove', 'container.kill': 'Kill',
  'container.pause': 'Pause', 'container.unpause': 'Unpause', 'container.restart': 'Restart',
  'service.wait': 'Wait',
};

function verbOf(a: Action): string { return VERBS[a.kind]; }

function detailOf(a: Action): string | undefined {
  const parts: string[] = [];
  if (a.kind === 'service.wait') parts.push(`${a.condition} for ${a.dependent}${a.required ? '' : ', not required'}`);
  if (a.kind === 'container.kill' && a.signal) parts.push(a.signal);
  if (a.kind === 'container.remove' && a.removeVolumes) parts.push('with anonymous volumes');
  if (a.kind === 'container.recreate' && a.renewAnonVolumes) parts.push('new anonymous volumes');
  if (a.reason) parts.push(a.reason);
  return parts.length ? parts.join('; ') : undefined;
}

export interface FormatOptions {
  /** Number the actions and show what each waits for (golden tests, `--dry-run --verbose`). */
  verbose?: boolean;
}

/**
 * One line per action, `Container demo-web-1  Recreate  (config hash changed)`,
 * then unchanged resources (`Container demo-db-1  Running`), then warnings.
 */
export function formatPlan(plan: Plan, opts: FormatOptions = {}): string {
  const lines: string[] = [];
  for (const a of plan.actions) {
    const detail = detailOf(a);
    let line = `${a.resource} ${a.name}  ${verbOf(a)}${detail ? `  (${detail})` : ''}`;
    if (opts.verbose) line = `${a.id}. ${line}${a.after.length ? `  after ${a.after.join(',')}` : ''}`;
    lines.push(line);
  }
  for (const u of plan.unchanged) lines.push(`${opts.verbose ? '-  ' : ''}${u.resource} ${u.name}  ${u.state}`);
  if (plan.actions.length === 0) lines.push('Nothing to do');
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}

export function planToJson(plan: Plan): object {
  return {
    project: plan.project,
    actions: plan.actions.map((a) => ({ ...a, verb: verbOf(a) })),
    unchanged: plan.unchanged,
    warnings: plan.warnings,
  };
}
