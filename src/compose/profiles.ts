// Profiles: services without `profiles` are always enabled; others only when
// one of their profiles is active ('*' activates all). A service named on the
// command line adds its own profiles to the active set.
import { ComposeError } from './errors.js';
import { isObj, posAt, type Obj } from './source.js';

const PROFILE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function profilesOf(svc: unknown): string[] | undefined {
  return isObj(svc) && Array.isArray(svc.profiles) ? svc.profiles.map(String) : undefined;
}

/** Splits the services of `raw` into enabled and disabled; returns the active profiles. */
export function applyProfiles(raw: Obj, given: string[], named: string[]): { active: string[]; disabled: string[] } {
  const services = (isObj(raw.services) ? raw.services : {}) as Obj;
  for (const [name, svc] of Object.entries(services)) {
    (profilesOf(svc) ?? []).forEach((p, i) => {
      if (!PROFILE.test(p)) throw new ComposeError(`invalid profile name "${p}": use letters, digits, "_", "." and "-"`, posAt(raw, ['services', name, 'profiles', i]), `services.${name}.profiles[${i}]`);
    });
  }
  const active = new Set(given.filter((p) => p !== ''));
  for (const n of named) {
    if (!Object.hasOwn(services, n)) throw new ComposeError(`no such service: ${n}`);
    for (const p of profilesOf(services[n]) ?? []) active.add(p);
  }
  const all = active.has('*');
  const disabled: string[] = [];
  for (const [name, svc] of Object.entries(services)) {
    const ps = profilesOf(svc);
    if (!ps || ps.length === 0 || all || ps.some((p) => active.has(p))) continue;
    disabled.push(name);
  }
  return { active: [...active].sort(), disabled };
}
