// `include`: another Compose application (its own project directory and
// .env) whose services and resources are added to the including file. A
// name defined on both sides is an error unless the definitions are equal.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ComposeError, pathString } from './errors.js';
import { readDotenv } from './dotenv.js';
import { validateSchema } from './schema/validate.js';
import { ownValue, type Lookup } from './interpolate.js';
import { resolvePath, resolveResourcePaths, resolveServicePaths } from './paths.js';
import { copyLoc, ensureLoc, isObj, posAt, type Obj } from './source.js';

export interface IncludeEnv {
  shell: Record<string, string>;
  lookup: Lookup;
}

/** Loads (parses, interpolates, merges, extends) a list of files as one model. */
export type ModelLoader = (files: string[], lookup: Lookup, stack: string[]) => Obj;

const KINDS = ['services', 'networks', 'volumes', 'secrets', 'configs'];
const TOP_LEVEL = new Set([...KINDS, 'version', 'name', 'include', 'models']);

function asList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

export function applyIncludes(model: Obj, file: string, env: IncludeEnv, stack: string[], load: ModelLoader): void {
  const inc = model.include;
  if (inc === undefined) return;
  delete model.include;
  if (!Array.isArray(inc)) throw new ComposeError('expected a list', posAt(model, ['include']), 'include');
  const fileDir = file === '-' ? process.cwd() : dirname(file);
  inc.forEach((entry, i) => {
    const path = ['include', i];
    const where = posAt(inc, [i]);
    const o: Obj = typeof entry === 'string' ? { path: entry } : isObj(entry) ? entry : {};
    const paths = asList(o.path).map((p) => resolvePath(fileDir, p));
    if (paths.length === 0) throw new ComposeError('expected "path" (a file or a list of files)', where, pathString(path));
    for (const p of paths) {
      if (stack.includes(p)) throw new ComposeError(`circular include: ${[...stack, p].join(' -> ')}`, where, pathString(path));
      if (!existsSync(p)) throw new ComposeError(`included file ${p} not found`, where, pathString(path));
    }
    const projectDir = typeof o.project_directory === 'string' ? resolvePath(fileDir, o.project_directory) : dirname(paths[0]!);
    let envFiles = asList(o.env_file).map((p) => resolvePath(fileDir, p));
    if (envFiles.length === 0) {
      const d = join(projectDir, '.env');
      envFiles = existsSync(d) && statSync(d).isFile() ? [d] : [];
    }
    const own: Record<string, string> = {};
    for (const f of envFiles) {
      try {
        Object.assign(own, readDotenv(f, (k) => ownValue(k, env.shell) ?? ownValue(k, own)));
      } catch (e) {
        if (e instanceof ComposeError && !e.pos) throw new ComposeError(e.detail, where, pathString(path));
        throw e;
      }
    }
    const lookup: Lookup = (k) => ownValue(k, env.shell) ?? ownValue(k, own) ?? env.lookup(k);
    const sub = load(paths, lookup, [...stack, ...paths]);
    // An included file is a Compose application of its own: a file that is
    // not one (a mapping with other keys, /etc/shadow) is refused, not
    // skipped, and without quoting its content (it may be a secret).
    const foreign = Object.keys(sub).find((k) => !TOP_LEVEL.has(k) && !k.startsWith('x-'));
    if (foreign !== undefined) throw new ComposeError(`included file ${paths.join(', ')} is not a Compose file (it has top-level keys Compose does not know)`, where, pathString(path));
    validateSchema(sub);
    if (isObj(sub.services)) for (const s of Object.values(sub.services)) if (isObj(s)) resolveServicePaths(s, projectDir);
    resolveResourcePaths(sub, projectDir);
    for (const kind of KINDS) {
      const from = sub[kind];
      if (!isObj(from)) continue;
      if (!isObj(model[kind])) { model[kind] = {}; ensureLoc(model[kind] as object); }
      const into = model[kind] as Obj;
      for (const [k, v] of Object.entries(from)) {
        if (Object.hasOwn(into, k) && !isDeepStrictEqual(into[k], v)) {
          throw new ComposeError(`${kind.slice(0, -1)} "${k}" conflicts with one imported by include from ${paths[0]}`, posAt(model, [kind, k], 'key'), `${kind}.${k}`);
        }
        into[k] = v;
        copyLoc(from, k, into, k);
      }
    }
  });
}
