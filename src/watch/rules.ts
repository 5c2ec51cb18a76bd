// develop.watch rules, checked and compiled before anything starts: every
// path exists, sync actions have a target, sync+exec has a command, rebuild
// has a build section. A compiled rule answers, for a host path, whether it
// is ignored (also used to prune the watched tree before any stat), whether
// it triggers the rule, and where it lands in the container.
import { existsSync } from 'node:fs';
import { posix, relative } from 'node:path';
import type { Project, WatchRule } from '../compose/model.js';
import { BerthError } from '../errors.js';
import { isEphemeral, patternMatcher, relativeTo } from './ignore.js';

export interface CompiledRule {
  service: string;
  /** Position in the service's develop.watch list (for messages). */
  index: number;
  rule: WatchRule;
  /** Ignored by this rule: outside its path, an ignore pattern, .git or an editor temporary. */
  ignored(host: string): boolean;
  /** The change of `host` triggers this rule (inside its path, not ignored, included). */
  triggers(host: string): boolean;
  /** The container path `host` syncs to (sync actions only). */
  containerPath(host: string): string;
}

const SYNC_ACTIONS = new Set(['sync', 'sync+restart', 'sync+exec']);
export const isSync = (r: WatchRule) => SYNC_ACTIONS.has(r.action);

/** "service "web": develop.watch[1] (sync ./src)": how errors name a rule. */
function ruleLabel(project: Project, service: string, index: number, r: WatchRule): string {
  const shown = relative(project.workingDir, r.path) || '.';
  return `service "${service}": develop.watch[${index}] (${r.action} ${shown.startsWith('..') ? r.path : `./${shown}`})`;
}

function check(project: Project, service: string, index: number, r: WatchRule): void {
  const svc = project.services[service]!;
  const fail = (why: string): never => { throw new BerthError(`${ruleLabel(project, service, index, r)}: ${why}`); };
  if (!existsSync(r.path)) fail(`path ${r.path} does not exist`);
  if (isSync(r) && !r.target) fail(`action ${r.action} needs a target (the container path to sync to)`);
  if (r.action === 'sync+exec' && !r.exec?.command?.length) fail('action sync+exec needs exec.command');
  if (r.action === 'rebuild' && !svc.build) fail('action rebuild needs a build section in the service');
}

export function compileRule(service: string, index: number, r: WatchRule): CompiledRule {
  const ignore = patternMatcher(r.path, r.ignore ?? []);
  const include = r.include?.length ? patternMatcher(r.path, r.include) : undefined;
  const target = r.target ? posix.resolve('/', r.target) : '/';
  const ignored = (host: string) => {
    const rel = relativeTo(r.path, host);
    if (rel === undefined) return true;
    return rel !== '' && (isEphemeral(rel) || ignore.matches(host));
  };
  return {
    service, index, rule: r, ignored,
    triggers: (host) => !ignored(host) && (!include || include.matches(host)),
    containerPath: (host) => posix.join(target, relativeTo(r.path, host) ?? ''),
  };
}

/**
 * The rules of the selected services (all services with develop.watch when
 * none are named), checked. Throws one line naming the service and rule.
 */
export function compileWatch(project: Project, services: string[] = []): CompiledRule[] {
  for (const s of services) if (!project.services[s]) throw new BerthError(`no such service: ${s}`);
  const names = services.length ? services : Object.keys(project.services);
  const out: CompiledRule[] = [];
  for (const name of names) {
    const rules = project.services[name]!.develop?.watch ?? [];
    rules.forEach((r, i) => {
      check(project, name, i, r);
      out.push(compileRule(name, i, r));
    });
  }
  if (out.length === 0) throw new BerthError('none of the selected services is configured for watch, consider setting a \'develop\' section');
  return out;
}
