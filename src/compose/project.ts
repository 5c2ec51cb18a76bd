// The public entry points: loadProject (files → normalized Project) and
// serviceConfigHash.
import { readStdin } from './read-input.js';
import { decodeCompose } from './text-guard.js';
import { Ctx } from './coerce.js';
import { ComposeError } from './errors.js';
import { loadRawProject, type RawProject } from './loader.js';
import type { LoadOptions, Project, Service } from './model.js';
import { normalizeResources } from './normalize-project.js';
import { normalizeService } from './normalize-service.js';
import { Checker } from './semantic.js';
import { isObj, type Obj } from './source.js';

/** keepEnvFiles: `config --no-env-resolution` (env_file entries listed, not read into environment). */
export function finishProject(r: RawProject, o: { keepEnvFiles?: boolean } = {}): Project {
  const ctx = new Ctx(r.raw);
  const rawServices = (isObj(r.raw.services) ? r.raw.services : {}) as Obj;
  const services: Record<string, Service> = {};
  for (const name of Object.keys(rawServices).sort()) {
    services[name] = normalizeService(name, rawServices[name] as Obj, { ctx, dir: r.workingDir, lookup: r.lookup, keepEnvFiles: o.keepEnvFiles });
  }
  const res = normalizeResources(ctx, r.raw, r.name, r.workingDir, services);
  const extensions: Record<string, unknown> = {};
  for (const k of Object.keys(r.raw)) if (k.startsWith('x-')) extensions[k] = r.raw[k];
  const project: Project = {
    name: r.name,
    services,
    ...res,
    extensions,
    workingDir: r.workingDir,
    composeFiles: r.composeFiles,
    environment: r.environment,
    profiles: r.profiles,
    disabledServices: [...r.disabled.keys()].sort(),
    warnings: r.warnings,
  };
  new Checker(r.raw, project, r.disabled).run();
  return project;
}

/**
 * Runs a load without recording positions (faster), and, when it fails with
 * an error that has no position, once more with positions to report where.
 */
export function withPositions<T>(options: LoadOptions, run: (o: LoadOptions) => T): T {
  const o = { ...options };
  if (o.files?.includes('-') && o.stdin === undefined) o.stdin = decodeCompose('-', readStdin());
  if (o.positions !== undefined) return run(o);
  try {
    return run({ ...o, positions: false });
  } catch (e) {
    if (!(e instanceof ComposeError) || e.pos) throw e;
    run({ ...o, positions: true });
    throw e;
  }
}

export function loadProjectSync(options: LoadOptions = {}): Project {
  return withPositions(options, (o) => finishProject(loadRawProject(o)));
}

/** Loads, validates and normalizes a Compose project. Throws ComposeError (one line, file:line:col). */
export async function loadProject(options: LoadOptions = {}): Promise<Project> {
  return loadProjectSync(options);
}
