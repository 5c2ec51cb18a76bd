// `build`: the services' `build:` sections become builder options and are
// built with berth's own runtime (build-runner.ts) into the image store,
// named by `image:` or `<project>-<service>` and tagged with build.tags.
// `up --build` and `pull_policy: build` reach here through the executor's
// buildImage driver; `image build` through buildContext.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { BuildConfig, Project } from '../compose/model.js';
import { parseBytes } from '../units.js';
import { BerthError } from '../errors.js';
import { buildImage, type BuildEvent, type BuildOptions, type BuildResult } from '../image/build/index.js';
import type { StatePaths } from '../state/paths.js';
import { RuntimeStepRunner } from './build-runner.js';
import { binaries } from '../container/paths.js';
import { Engine } from './engine.js';
import { registryAccess } from './registry-access.js';

// The build's events and their printed form, for the CLI's progress output.

export interface BuildFlags {
  noCache?: boolean;
  pull?: boolean;
  /** --build-arg K=V (K alone: from the environment), over build.args. */
  buildArgs?: Record<string, string | undefined>;
  progress?: (service: string | undefined, e: BuildEvent) => void;
  signal?: AbortSignal;
}

export interface ServiceBuild {
  service: string;
  image: string;
  result: BuildResult;
}

/** The image reference a service's build produces. */
export function builtImageName(project: Project, service: string): string {
  return project.services[service]?.image ?? `${project.name}-${service}`;
}

async function pullInto(engine: Engine): Promise<(ref: string) => Promise<void>> {
  const { pullImage } = await import('../image/registry/pull.js');
  return async (ref) => { await pullImage(engine.images, ref, registryAccess(engine.config)); };
}

function networkOf(service: string, n: unknown): BuildOptions['network'] {
  if (n === undefined || n === null || n === 'default' || n === 'bridge') return 'default';
  if (n === 'none' || n === 'host') return n;
  throw new BerthError(`service "${service}": build.network "${String(n)}" is not supported (default, none or host)`);
}

/** A service's build section as builder options (everything the builder cannot honour is refused here, before any step). */
export function buildOptionsOf(project: Project, service: string, engine: Pick<Engine, 'images' | 'paths' | 'config'>, f: BuildFlags): Omit<BuildOptions, 'pullImage'> {
  const { images: store, paths } = engine;
  const svc = project.services[service];
  if (!svc) throw new BerthError(`no such service: ${service}`);
  const b = svc.build as BuildConfig | undefined;
  if (!b) throw new BerthError(`service "${service}" has no build section`);
  if (/^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(b.context)) {
    throw new BerthError(`service "${service}": build context ${b.context} is a remote URL; berth builds offline from a local directory`);
  }
  if (b.ssh && Object.keys(b.ssh as object).length) {
    throw new BerthError(`service "${service}": build.ssh: SSH agent forwarding is not available in berth builds`);
  }
  const args: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(b.args ?? {})) if (v !== null && v !== undefined) args[k] = String(v);
  Object.assign(args, f.buildArgs ?? {});
  const secrets: Record<string, string> = {};
  for (const r of (b.secrets ?? []) as Array<{ source: string; target?: string }>) {
    const def = project.secrets?.[r.source];
    if (!def?.file) throw new BerthError(`service "${service}": build secret "${r.source}" must be defined in secrets: with a file`);
    secrets[r.target ?? r.source] = def.file;
  }
  const contexts: Record<string, string> = {};
  for (const [k, v] of Object.entries((b.additional_contexts ?? {}) as Record<string, string>)) {
    contexts[k] = v.includes('://') ? v : isAbsolute(v) ? v : resolve(b.context, v);
    if (/^(https?|git):\/\//.test(v)) throw new BerthError(`service "${service}": build.additional_contexts.${k} is a remote URL; berth builds offline`);
  }
  const tags = [builtImageName(project, service), ...((b.tags ?? []) as string[])];
  return {
    store, runner: new RuntimeStepRunner(paths, binaries(engine.config).runtime), mountDir: join(paths.runtime, 'build'),
    context: b.context,
    dockerfile: b.dockerfile_inline !== undefined ? 'dockerfile_inline' : b.dockerfile,
    dockerfileText: b.dockerfile_inline as string | undefined,
    target: b.target, buildArgs: args, tags, labels: b.labels,
    noCache: f.noCache || b.no_cache === true, pull: f.pull || b.pull === true,
    network: networkOf(service, b.network),
    extraHosts: b.extra_hosts as string[] | undefined,
    shmSize: b.shm_size !== undefined ? parseBytes(String(b.shm_size)) : undefined,
    additionalContexts: contexts, secrets,
    progress: f.progress ? (e) => f.progress!(service, e) : undefined,
    signal: f.signal,
  };
}

/** Builds one service's image. */
export async function buildService(engine: Engine, project: Project, service: string, f: BuildFlags = {}): Promise<ServiceBuild> {
  const o = buildOptionsOf(project, service, engine, f);
  const result = await buildImage({ ...o, pullImage: await pullInto(engine) });
  return { service, image: builtImageName(project, service), result };
}

/** `berth build [SERVICE...]`: the named services (all with a build section when none), one image per distinct name. */
export async function buildProject(paths: StatePaths, project: Project, services: string[], f: BuildFlags = {}): Promise<ServiceBuild[]> {
  const engine = new Engine(paths);
  for (const s of services) if (!project.services[s]) throw new BerthError(`no such service: ${s}`);
  const names = (services.length ? services : Object.keys(project.services)).filter((s) => project.services[s]!.build !== undefined);
  // Every service is checked before the first step runs.
  for (const s of names) buildOptionsOf(project, s, engine, f);
  const out: ServiceBuild[] = [];
  const seen = new Set<string>();
  for (const s of names) {
    const image = builtImageName(project, s);
    if (seen.has(image)) continue;
    seen.add(image);
    out.push(await buildService(engine, project, s, f));
  }
  return out;
}

export interface ContextBuild extends BuildFlags {
  context: string;
  dockerfile?: string;
  dockerfileText?: string;
  tags?: string[];
  target?: string;
  labels?: Record<string, string>;
  network?: BuildOptions['network'];
}

/** `berth image build`: one context, no project. */
export async function buildContext(paths: StatePaths, o: ContextBuild): Promise<BuildResult> {
  const engine = new Engine(paths);
  // `-`: a Dockerfile from stdin and an empty context.
  const empty = o.context === '-' ? mkdtempSync(join(tmpdir(), 'berth-build-')) : undefined;
  try {
    return await buildImage({
    store: engine.images, runner: new RuntimeStepRunner(paths, binaries(engine.config).runtime), mountDir: join(paths.runtime, 'build'), context: empty ?? resolve(o.context), dockerfile: o.dockerfile,
    dockerfileText: o.dockerfileText, tags: o.tags, target: o.target, buildArgs: o.buildArgs, labels: o.labels,
    noCache: o.noCache, pull: o.pull, network: o.network, pullImage: await pullInto(engine),
    progress: o.progress ? (e) => o.progress!(undefined, e) : undefined, signal: o.signal,
    });
  } finally {
    if (empty) rmSync(empty, { recursive: true, force: true });
  }
}
