// `extends`: a service starts from another service (same file or another
// file), recursively, then its own keys are merged on top by the merge rules.
// Cycles are errors that name the chain.
import { dirname } from 'node:path';
import { ComposeError } from './errors.js';
import { mergeObj } from './merge.js';
import { resolvePath, resolveServicePaths } from './paths.js';
import { copyLoc, ensureLoc, isObj, locOf, posOf, type Obj } from './source.js';

/** Deep copy that keeps the hidden positions. */
function cloneWithLoc<T>(v: T): T {
  if (Array.isArray(v)) {
    const out = v.map(cloneWithLoc);
    const l = locOf(v);
    if (l) { const o = ensureLoc(out); o.self = l.self; v.forEach((_, i) => copyLoc(v, i, out, i)); }
    return out as T;
  }
  if (isObj(v)) {
    const out: Obj = {};
    const l = locOf(v);
    if (l) ensureLoc(out).self = l.self;
    for (const k of Object.keys(v)) { out[k] = cloneWithLoc(v[k]); copyLoc(v, k, out, k); }
    return out as T;
  }
  return v;
}

export type FileLoader = (absPath: string, from: { file: string; line: number; col: number } | undefined) => Obj;

export class ExtendsResolver {
  private readonly done = new Map<string, Obj>();
  private readonly files = new Map<string, Obj>();
  constructor(private readonly load: FileLoader) {}

  private servicesOf(file: string, from: Parameters<FileLoader>[1]): Obj {
    let s = this.files.get(file);
    if (!s) {
      const model = this.load(file, from);
      s = isObj(model.services) ? model.services : {};
      this.files.set(file, s);
    }
    return s;
  }

  /** Resolves every service of `services` (declared in `file`) in place. */
  resolveAll(services: Obj, file: string): void {
    this.files.set(file, services);
    for (const name of Object.keys(services)) {
      const r = this.resolve(services, name, file, []);
      if (r !== services[name]) services[name] = r;
    }
  }

  private resolve(services: Obj, name: string, file: string, stack: string[]): unknown {
    const key = `${file}#${name}`;
    const memo = this.done.get(key);
    if (memo) return memo;
    const svc = services[name];
    if (!isObj(svc) || svc.extends === undefined) return svc;
    const where = posOf(svc, 'extends');
    const path = `services.${name}.extends`;
    if (stack.includes(key)) {
      const chain = [...stack, key].map((k) => k.slice(k.lastIndexOf('#') + 1)).join(' -> ');
      throw new ComposeError(`circular extends: ${chain}`, where, path);
    }
    const ext = svc.extends;
    let baseName: string;
    let baseFile = file;
    if (typeof ext === 'string') baseName = ext;
    else if (isObj(ext) && typeof ext.service === 'string') {
      baseName = ext.service;
      if (typeof ext.file === 'string') baseFile = resolvePath(dirname(where?.file && where.file !== '-' ? where.file : file), ext.file);
    } else {
      throw new ComposeError('expected a service name or a mapping with "service" (and optional "file")', where, path);
    }
    const baseServices = baseFile === file ? services : this.servicesOf(baseFile, where);
    if (!isObj(baseServices[baseName])) {
      throw new ComposeError(`cannot extend service "${baseName}": no such service${baseFile === file ? '' : ` in ${baseFile}`}`, where, path);
    }
    const base = this.resolve(baseServices, baseName, baseFile, [...stack, key]) as Obj;
    const copy = cloneWithLoc(base);
    if (baseFile !== file) resolveServicePaths(copy, dirname(baseFile));
    const own: Obj = {};
    const l = locOf(svc);
    if (l) ensureLoc(own).self = l.self;
    for (const k of Object.keys(svc)) if (k !== 'extends') { own[k] = svc[k]; copyLoc(svc, k, own, k); }
    const merged = mergeObj(copy, own, ['services', name]);
    delete merged.extends;
    this.done.set(key, merged);
    return merged;
  }
}
