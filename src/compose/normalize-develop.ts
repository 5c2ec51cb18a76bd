// `develop:` → DevelopConfig: watch paths made absolute (against the
// service's directory), ignore/include as lists, exec's command split as a
// shell would, environment as a dict; keys in compose-go's order.
import type { DevelopConfig, ServiceHook, WatchRule } from './model.js';
import { dictOf, sorted, type Ctx, type P } from './coerce.js';
import { normCommand } from './normalize-parts.js';
import { resolvePath } from './paths.js';
import { isObj, type Obj } from './source.js';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

function normHook(c: Ctx, h: Obj, path: P): ServiceHook {
  const out: ServiceHook = { command: normCommand(c, h.command, [...path, 'command']) ?? [] };
  if (h.user !== undefined) out.user = String(h.user);
  if (h.privileged !== undefined) out.privileged = c.bool(h.privileged, [...path, 'privileged']);
  if (h.working_dir !== undefined) out.working_dir = String(h.working_dir);
  if (h.environment !== undefined) out.environment = sorted(dictOf(h.environment));
  return out;
}

function normRule(c: Ctx, r: Obj, path: P, dir: string): WatchRule {
  const out: WatchRule = { path: resolvePath(dir, String(r.path)), action: r.action as WatchRule['action'] };
  if (r.target !== undefined) out.target = String(r.target);
  if (isObj(r.exec)) out.exec = normHook(c, r.exec, [...path, 'exec']);
  if (r.include !== undefined) out.include = list(r.include);
  if (r.ignore !== undefined) out.ignore = list(r.ignore);
  if (r.initial_sync !== undefined) out.initial_sync = c.bool(r.initial_sync, [...path, 'initial_sync']);
  for (const [k, v] of Object.entries(r)) if (k.startsWith('x-')) out[k as `x-${string}`] = v;
  return out;
}

export function normDevelop(c: Ctx, v: Obj, path: P, dir: string): DevelopConfig {
  const out: DevelopConfig = {};
  if (Array.isArray(v.watch)) out.watch = v.watch.map((r, i) => normRule(c, r as Obj, [...path, 'watch', i], dir));
  for (const [k, x] of Object.entries(v)) if (k.startsWith('x-')) out[k as `x-${string}`] = x;
  return out;
}
