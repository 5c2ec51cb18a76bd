// loadProject: files → Project. The steps, in docker compose's order:
// discover files and the project directory; read .env / --env-file; parse
// each file (YAML with positions), interpolate, apply its `include`s; merge
// the files; resolve `extends`; validate against the schema; pick the
// project name and profiles; normalize; run the semantic checks.
import { statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ComposeError } from './errors.js';
import { checkProjectName, discoverFiles, normalizeProjectName, projectNameFromDir } from './discovery.js';
import { readDotenv } from './dotenv.js';
import { readInputFile, readStdin } from './read-input.js';
import { ExtendsResolver } from './extends.js';
import { applyIncludes } from './include.js';
import { interpolateTree, ownValue, substitute, type Lookup } from './interpolate.js';
import { applyResets, mergeObj } from './merge.js';
import type { LoadOptions } from './model.js';
import { applyProfiles } from './profiles.js';
import { isObj, posAt, parseYaml, type Obj } from './source.js';
import { validateSchema } from './schema/validate.js';
import { enforceUnicity } from './unicity.js';
import { switchOn } from './env-switch.js';
import { decodeCompose } from './text-guard.js';

/** The merged, validated model before normalization, with what is needed to finish. */
export interface RawProject {
  raw: Obj;
  name: string;
  workingDir: string;
  composeFiles: string[];
  environment: Record<string, string>;
  profiles: string[];
  disabled: Map<string, string[]>;
  warnings: string[];
  lookup: Lookup;
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

function shellEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function readCompose(path: string, stdin: string | undefined): string {
  if (path === '-') return stdin ?? decodeCompose('-', readStdin());
  return decodeCompose(path, readInputFile(path, 'compose file'));
}

export function loadRawProject(o: LoadOptions = {}): RawProject {
  const shell = shellEnv(o.env ?? process.env);
  const cwd = resolve(o.workingDir ?? process.cwd());
  const projectDirOpt = o.projectDirectory ? resolve(cwd, o.projectDirectory) : undefined;
  if (projectDirOpt && !isDirectory(projectDirOpt)) throw new ComposeError(`project directory ${projectDirOpt} does not exist`);
  // COMPOSE_FILE from the shell, else from the .env of the project (or current) directory.
  let composeFileVar = shell.COMPOSE_FILE;
  let separator = shell.COMPOSE_PATH_SEPARATOR;
  // COMPOSE_DISABLE_ENV_FILE: the project's .env is not read (an --env-file still is).
  const readsDotenv = !switchOn(shell.COMPOSE_DISABLE_ENV_FILE);
  if (!o.files?.length && composeFileVar === undefined && !o.envFiles?.length && readsDotenv) {
    const dotenvPath = join(projectDirOpt ?? cwd, '.env');
    if (isFile(dotenvPath)) {
      const early = readDotenv(dotenvPath, (k) => ownValue(k, shell));
      composeFileVar = early.COMPOSE_FILE;
      separator ??= early.COMPOSE_PATH_SEPARATOR;
    }
  }
  let files = o.files?.length ? o.files : composeFileVar ? composeFileVar.split(separator || delimiter).filter(Boolean) : [];
  if (files.length === 0) files = discoverFiles(projectDirOpt ?? cwd);
  const composeFiles = files.map((f) => (f === '-' ? '-' : resolve(cwd, f)));
  const workingDir = projectDirOpt ?? (composeFiles[0] === '-' ? cwd : dirname(composeFiles[0]!));

  // .env of the project directory, replaced by --env-file; the shell wins over both.
  const envFiles = o.envFiles?.length ? o.envFiles.map((f) => resolve(cwd, f)) : readsDotenv ? [join(workingDir, '.env')].filter(isFile) : [];
  const dotenv: Record<string, string> = {};
  for (const f of envFiles) Object.assign(dotenv, readDotenv(f, (k) => ownValue(k, shell) ?? ownValue(k, dotenv)));
  const environment = { ...dotenv, ...shell };
  // Each file is read once (stdin cannot be read twice).
  const texts = new Map<string, string>();
  const textOf = (f: string): string => texts.get(f) ?? texts.set(f, readCompose(f, o.stdin)).get(f)!;
  // ${COMPOSE_PROJECT_NAME} is the project's name wherever that comes from, as compose-go sets it before interpolating.
  const givenName = o.projectName ?? shell.COMPOSE_PROJECT_NAME ?? dotenv.COMPOSE_PROJECT_NAME;
  let nameForVariable: string | undefined;
  const lookup: Lookup = (k) => {
    if (k !== 'COMPOSE_PROJECT_NAME') return ownValue(k, environment);
    if (givenName !== undefined) return givenName;
    nameForVariable ??= nameFromFiles(composeFiles, textOf, (s) => substituteQuiet(s, (x) => ownValue(x, environment))) ?? projectNameFromDir(workingDir);
    return nameForVariable;
  };

  const warnings = new Set<string>();
  const interpolate = o.interpolate !== false;
  const positions = o.positions !== false;
  const parseOne = (file: string, look: Lookup, stack: string[]): Obj => {
    const model = parseFileText(file, textOf(file), positions);
    if (interpolate) {
      interpolateTree(model, look, (name) => warnings.add(`the "${name}" variable is not set, defaulting to a blank string`));
    }
    applyIncludes(model, file, { shell, lookup: look }, stack, loadModel);
    return model;
  };
  const loadModel = (paths: string[], look: Lookup, stack: string[]): Obj => {
    // compose-go merges an empty or comment-only file as nothing; only all of them empty is an error.
    if (paths.every((f) => !hasContent(textOf(f)))) throw new ComposeError('empty compose file', { file: paths[0]!, line: 1, col: 1 });
    const models = paths.map((f) => parseOne(f, look, stack));
    const merged = models.reduce((a, b) => mergeObj(a, b, []));
    // !reset / !override tags still present apply in extends; what is left after is dropped.
    if (isObj(merged.services)) {
      new ExtendsResolver((abs) => {
        if (!isFile(abs)) throw new ComposeError(`extended file ${abs} not found`);
        const m = parseYaml(abs, readCompose(abs, undefined), positions);
        if (interpolate) interpolateTree(m, look);
        return m;
      }).resolveAll(merged.services, paths[0]!);
    }
    applyResets(merged);
    return merged;
  };
  const raw = loadModel(composeFiles, lookup, composeFiles.filter((f) => f !== '-'));
  if (raw.version !== undefined) warnings.add('the attribute "version" is obsolete, it will be ignored');
  enforceUnicity(raw);
  validateSchema(raw);

  let name: string;
  if (o.projectName) name = checkProjectName(o.projectName, '--project-name');
  else if (shell.COMPOSE_PROJECT_NAME ?? dotenv.COMPOSE_PROJECT_NAME) name = checkProjectName((shell.COMPOSE_PROJECT_NAME ?? dotenv.COMPOSE_PROJECT_NAME)!, 'COMPOSE_PROJECT_NAME');
  else if (typeof raw.name === 'string' && raw.name !== '') {
    // The name is interpolated even with --no-interpolate: the project needs one.
    const value = interpolate ? raw.name : substituteQuiet(raw.name, lookup);
    // A name from the file is normalized (lower case, invalid characters dropped), as compose-go does; -p and COMPOSE_PROJECT_NAME are not.
    try { name = checkProjectName(normalizeProjectName(value) || value, 'the name: key'); } catch (e) {
      throw new ComposeError((e as ComposeError).detail, posAt(raw, ['name']), 'name');
    }
  } else name = projectNameFromDir(workingDir);

  const given = [...(environment.COMPOSE_PROFILES ?? '').split(','), ...(o.profiles ?? [])].map((p) => p.trim()).filter(Boolean);
  const { active, disabled } = applyProfiles(raw, given, o.services ?? []);
  const services = (isObj(raw.services) ? raw.services : {}) as Obj;
  const disabledMap = new Map<string, string[]>();
  for (const d of disabled) {
    const s = services[d] as Obj;
    disabledMap.set(d, (s.profiles as string[]).map(String));
    delete services[d];
  }
  if (o.selectServices && o.services?.length) selectServices(services, o.services);
  return { raw, name, workingDir, composeFiles, environment, profiles: active, disabled: disabledMap, warnings: [...warnings], lookup };
}

/** The last non-empty top-level `name:` of the files, interpolated and normalized (only read when ${COMPOSE_PROJECT_NAME} is used). */
function nameFromFiles(files: string[], textOf: (f: string) => string, interpolate: (s: string) => string): string | undefined {
  let name: string | undefined;
  for (const f of files) {
    const n = parseFileText(f, textOf(f), false).name;
    if (typeof n === 'string' && n !== '') name = n;
  }
  return name === undefined ? undefined : normalizeProjectName(interpolate(name)) || undefined;
}

/** Whether a file has anything but blank lines and comments. */
function hasContent(text: string): boolean {
  return text.split(/\r?\n/).some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

/** One file's top-level mapping; a file with no content is an empty one. */
function parseFileText(file: string, text: string, positions: boolean): Obj {
  return hasContent(text) ? parseYaml(file, text, positions) : {};
}

function substituteQuiet(s: string, lookup: Lookup): string {
  try { return substitute(s, lookup); } catch { return s; }
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** Keeps the named services and everything they depend on. */
function selectServices(services: Obj, names: string[]): void {
  const keep = new Set<string>();
  const visit = (n: string): void => {
    if (keep.has(n) || !isObj(services[n])) return;
    keep.add(n);
    const s = services[n] as Obj;
    const deps: string[] = Array.isArray(s.depends_on) ? s.depends_on.map(String) : isObj(s.depends_on) ? Object.keys(s.depends_on) : [];
    for (const l of (Array.isArray(s.links) ? s.links : []) as string[]) deps.push(String(l).split(':')[0]!);
    for (const v of (Array.isArray(s.volumes_from) ? s.volumes_from : []) as string[]) deps.push(String(v).split(':')[0]!);
    for (const m of [s.network_mode, s.pid, s.ipc]) if (typeof m === 'string' && m.startsWith('service:')) deps.push(m.slice(8));
    deps.forEach(visit);
  };
  for (const n of names) {
    if (!Object.hasOwn(services, n)) throw new ComposeError(`no such service: ${n}`);
    visit(n);
  }
  for (const n of Object.keys(services)) if (!keep.has(n)) delete services[n];
}
