// up/create flags → the reconciler's UpOptions.
import { UsageError } from '../errors.js';
import { switchOn } from '../compose/env-switch.js';
import type { Project } from '../compose/model.js';
import type { UpOptions } from '../project/lifecycle.js';

type PullPolicy = NonNullable<UpOptions['pull']>;

export function parseScale(list: string[] | undefined): Record<string, number> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, number> = {};
  for (const s of list) {
    const m = /^([^=]+)=(\d+)$/.exec(s);
    if (!m) throw new UsageError(`--scale ${s}: expected SERVICE=NUM`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export interface UpFlags {
  detach?: boolean;
  build?: boolean;
  pull?: PullPolicy;
  wait?: boolean;
  waitTimeout?: string;
  forceRecreate?: boolean;
  recreate?: boolean;
  deps?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  start?: boolean;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  attach?: string[];
  noAttach?: string[];
  attachDependencies?: boolean;
  timeout?: string;
  logPrefix?: boolean;
  color?: boolean;
  timestamps?: boolean;
  renewAnonVolumes?: boolean;
  alwaysRecreateDeps?: boolean;
  watch?: boolean;
}

export function upOptionsOf(services: string[], o: UpFlags): UpOptions {
  if (o.detach && (o.abortOnContainerExit || o.exitCodeFrom)) throw new UsageError('--abort-on-container-exit and --exit-code-from cannot be combined with -d/--detach');
  if (o.watch && (o.detach || o.start === false)) throw new UsageError('--watch cannot be combined with -d/--detach, --wait or --no-start');
  if (o.start === false && (o.wait || o.abortOnContainerExit)) throw new UsageError('--no-start cannot be combined with --wait or --abort-on-container-exit');
  return {
    services: services.length ? services : undefined,
    noDeps: o.deps === false,
    forceRecreate: !!o.forceRecreate,
    noRecreate: o.recreate === false,
    alwaysRecreateDeps: !!o.alwaysRecreateDeps,
    removeOrphans: removeOrphansOf(o.removeOrphans),
    scale: parseScale(o.scale),
    noStart: o.start === false,
    renewAnonVolumes: !!o.renewAnonVolumes,
    wait: !!o.wait,
    pull: o.pull,
    build: o.build === true,
    noBuild: o.build === false,
  };
}

/** --remove-orphans, else COMPOSE_REMOVE_ORPHANS from the shell (as docker compose's up, create and down read it). */
export function removeOrphansOf(flag: boolean | undefined): boolean {
  return !!flag || switchOn(process.env.COMPOSE_REMOVE_ORPHANS);
}

/**
 * COMPOSE_IGNORE_ORPHANS, read from the project's environment (the shell over
 * .env, as docker compose reads it): no orphan warning. It cannot be combined
 * with removing them.
 */
export function ignoreOrphansOf(project: Project | undefined, removeOrphans: boolean | undefined): boolean {
  const ignore = switchOn(project?.environment.COMPOSE_IGNORE_ORPHANS);
  if (ignore && removeOrphans) throw new UsageError('cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans');
  return ignore;
}
