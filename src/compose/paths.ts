// Relative paths in a raw (not yet normalized) service or resource, made
// absolute against a base directory. Used for services pulled in by
// `extends: {file: ...}` and for `include`d projects, whose paths are
// relative to their own directory, not to the main project's.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { copyLoc, isObj, type Obj } from './source.js';
import { isPathLike } from './syntax.js';

export function isRemoteContext(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('git@') || s.startsWith('github.com/');
}

export function resolvePath(base: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  // An absolute path stays as written (a trailing slash too), as compose-go leaves it; a relative one is joined and cleaned.
  return isAbsolute(p) ? p : resolve(base, p);
}

function resolveVolumeString(base: string, spec: string): string {
  const i = spec.indexOf(':');
  if (i <= 0) return spec;
  const src = spec.slice(0, i);
  return isPathLike(src) ? resolvePath(base, src) + spec.slice(i) : spec;
}

/** Rewrites build context, env_file, label_file, bind sources and develop.watch paths of `svc` in place. */
export function resolveServicePaths(svc: Obj, base: string): void {
  const b = svc.build;
  if (typeof b === 'string' && !isRemoteContext(b)) svc.build = resolvePath(base, b);
  else if (isObj(b)) {
    if (typeof b.context === 'string' && !isRemoteContext(b.context)) b.context = resolvePath(base, b.context);
    else if (b.context === undefined) b.context = base;
  }
  for (const key of ['env_file', 'label_file']) {
    const v = svc[key];
    if (typeof v === 'string') svc[key] = resolvePath(base, v);
    else if (Array.isArray(v)) {
      v.forEach((e, i) => {
        if (typeof e === 'string') v[i] = resolvePath(base, e);
        else if (isObj(e) && typeof e.path === 'string') e.path = resolvePath(base, e.path);
        copyLoc(v, i, v, i);
      });
    }
  }
  if (Array.isArray(svc.volumes)) {
    svc.volumes.forEach((v, i, arr) => {
      if (typeof v === 'string') arr[i] = resolveVolumeString(base, v);
      else if (isObj(v) && v.type === 'bind' && typeof v.source === 'string') v.source = resolvePath(base, v.source);
    });
  }
  const dev = svc.develop;
  if (isObj(dev) && Array.isArray(dev.watch)) {
    for (const r of dev.watch) if (isObj(r) && typeof r.path === 'string') r.path = resolvePath(base, r.path);
  }
  const ext = svc.extends;
  if (isObj(ext) && typeof ext.file === 'string') ext.file = resolvePath(base, ext.file);
}

/** Rewrites `file:` of top-level secrets/configs in place. */
export function resolveResourcePaths(model: Obj, base: string): void {
  for (const kind of ['secrets', 'configs']) {
    const m = model[kind];
    if (!isObj(m)) continue;
    for (const v of Object.values(m)) {
      if (isObj(v) && typeof v.file === 'string') v.file = resolvePath(base, v.file);
    }
  }
}
