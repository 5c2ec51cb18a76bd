// `build`: Dockerfile → stages → steps → an image in the store. The stages
// the target needs start together (each waits only for what it reads); each
// filesystem step is one layer; the result is committed like any other image
// (blobs, manifest, record, tags), so ls, history, save, push and run work on
// it. Nothing is tagged unless every step succeeded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { BerthError } from '../../errors.js';
import type { ImageConfig, Manifest } from '../media-types.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../media-types.js';
import { hostPlatform } from '../platform.js';
import { formatReference, parseReference } from '../reference.js';
import { BuildCache, stepKey } from './cache.js';
import { DockerfileError, parseDockerfile } from './dockerfile-parse.js';
import { copyStep, runStep, stepError } from './fs-steps.js';
import { toInstructions, type Instruction } from './instructions.js';
import { BuildSession } from './session.js';
import { expandWord, splitWords } from './shell-lex.js';
import { neededStages, splitStages, stageByRef, type Stage } from './stages.js';
import { applyConfig, PREDEFINED_ARGS, type StageState } from './state.js';
import type { BuildOptions, BuildResult } from './types.js';

const AUTO_ARGS = (p: { architecture: string; os: string }): Record<string, string> => ({
  TARGETPLATFORM: `${p.os}/${p.architecture}`, TARGETOS: p.os, TARGETARCH: p.architecture, TARGETVARIANT: '',
  BUILDPLATFORM: `${p.os}/${p.architecture}`, BUILDOS: p.os, BUILDARCH: p.architecture, BUILDVARIANT: '',
});

function readDockerfile(o: BuildOptions): { text: string; name: string; path?: string } {
  if (o.dockerfileText !== undefined) return { text: o.dockerfileText, name: o.dockerfile ?? 'Dockerfile' };
  const path = o.dockerfile ? (isAbsolute(o.dockerfile) ? o.dockerfile : join(o.context, o.dockerfile)) : join(o.context, 'Dockerfile');
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new BerthError(`cannot read the Dockerfile ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const rel = relative(process.cwd(), path);
  return { text, name: rel.startsWith('..') ? path : rel, path };
}

/** Global ARG values: --build-arg, else the default (which may use the earlier global args). */
function globalArgs(file: string, list: Instruction[], buildArgs: Record<string, string | undefined>, auto: Record<string, string>, escape: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const inst of list) {
    for (const w of splitWords(inst.args, escape)) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w : w.slice(0, eq);
      let dflt: string | undefined;
      try { dflt = eq < 0 ? auto[name] : expandWord(w.slice(eq + 1), (n) => out.get(n), escape); } catch (e) {
        throw new DockerfileError(file, inst.raw.line, inst.raw.col, `ARG: ${(e as Error).message}`);
      }
      out.set(name, Object.prototype.hasOwnProperty.call(buildArgs, name) && buildArgs[name] !== undefined ? buildArgs[name] : dflt);
    }
  }
  return out;
}

async function fromStep(b: BuildSession, s: Stage, total: number): Promise<StageState> {
  const n = b.nextStep();
  const t0 = Date.now();
  b.emit({ type: 'step', n, stage: b.label(s), index: 1, total, text: s.from.text });
  const platform = b.platform();
  const fresh = { args: new Map<string, string | undefined>(), cmdSet: false };
  let st: StageState;
  const ctx = b.opts.additionalContexts?.[s.base];
  const dep = ctx === undefined ? stageByRef(b.graph, s.base) : undefined;
  if (s.base === 'scratch') {
    st = { layers: [], config: {}, history: [], key: stepKey('scratch'), ...platform, ...fresh };
  } else if (dep && dep.index < s.index && dep.name === s.base.toLowerCase()) {
    const parent = await b.stage(dep);
    st = { ...structuredClone({ layers: parent.layers, config: parent.config, history: parent.history }), key: parent.key, architecture: parent.architecture, os: parent.os, ...fresh };
  } else {
    if (ctx !== undefined && !ctx.startsWith('docker-image://')) throw stepError(b, s.from, `FROM ${s.base}: a directory context cannot be a base image`);
    const ref = ctx ? ctx.slice('docker-image://'.length) : s.base;
    const img = await b.image(ref, s.from);
    const d = b.store.describe(img.id);
    st = {
      layers: structuredClone(d.layers), config: structuredClone(d.config), history: structuredClone(d.image.history ?? []), key: img.key,
      architecture: d.image.architecture, os: d.image.os, ...fresh,
    };
  }
  b.emit({ type: 'done', n, ms: Date.now() - t0 });
  // The base image's ONBUILD triggers run first, then are not passed on.
  const triggers = st.config.OnBuild ?? [];
  if (triggers.length) {
    st.config.OnBuild = null;
    for (const t of triggers) await step(b, s, st, b.trigger(t, s.from), 1, total);
  }
  return st;
}

async function step(b: BuildSession, s: Stage, st: StageState, inst: Instruction, index: number, total: number): Promise<void> {
  const n = b.nextStep();
  const t0 = Date.now();
  b.emit({ type: 'step', n, stage: b.label(s), index, total, text: inst.text });
  try {
    if (inst.keyword === 'RUN') await runStep(b, st, inst, n);
    else if (inst.keyword === 'COPY' || inst.keyword === 'ADD') await copyStep(b, st, inst, n, b.timings);
    else {
      try {
        applyConfig(inst, st, b.buildArgs, b.globals, b.escape);
      } catch (e) {
        if (e instanceof BerthError) throw e;
        throw stepError(b, inst, `${inst.keyword}: ${(e as Error).message}`);
      }
      // Config steps are cached too: their history time is kept, so a rebuild gives the same image ID.
      const key = stepKey(st.key, inst.text, st.config, inst.keyword === 'ARG' ? [...st.args] : []);
      const hit = b.opts.noCache ? undefined : b.cache.get(key);
      const created = hit?.created ?? new Date().toISOString();
      if (!hit) b.cache.put(key, { created });
      else b.cachedSteps++;
      st.history.push({ created, created_by: inst.text, empty_layer: true });
      st.key = key;
    }
  } catch (e) {
    // Whatever failed inside a step is reported at its line.
    const err = e instanceof BerthError ? e : stepError(b, inst, `${inst.text.split('\n')[0]}: ${(e as Error).message}`);
    b.emit({ type: 'error', n, message: err.message });
    throw err;
  }
  b.emit({ type: 'done', n, ms: Date.now() - t0 });
}

async function buildStage(b: BuildSession, s: Stage): Promise<StageState> {
  const total = s.steps.length + 1;
  const st = await fromStep(b, s, total);
  for (let i = 0; i < s.steps.length; i++) {
    b.opts.signal?.throwIfAborted();
    await step(b, s, st, s.steps[i]!, i + 2, total);
  }
  return st;
}

async function commitImage(b: BuildSession, st: StageState, tags: string[]): Promise<string> {
  const history = st.history;
  const created = history.at(-1)?.created ?? new Date(0).toISOString();
  const labels = b.opts.labels && Object.keys(b.opts.labels).length ? { ...(st.config.Labels ?? {}), ...b.opts.labels } : st.config.Labels;
  const image: ImageConfig = {
    architecture: st.architecture, os: st.os, created,
    config: { ...st.config, ...(labels ? { Labels: labels } : {}) },
    rootfs: { type: 'layers', diff_ids: st.layers.map((l) => l.diffId) },
    history,
  };
  const cfg = b.store.blobs.writeBytes(Buffer.from(JSON.stringify(image)));
  const manifest: Manifest = {
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: cfg.digest, size: cfg.size },
    layers: st.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const m = b.store.blobs.writeBytes(Buffer.from(JSON.stringify(manifest)));
  // A rebuild that gave the very same image with the same tags changes nothing in the store.
  const refs = b.store.records.refs();
  if (b.store.records.get(cfg.digest)?.manifestDigest === m.digest && tags.every((t) => refs[t] === cfg.digest)) return cfg.digest;
  const done = await b.store.commit(m.digest, { names: tags, devices: 'allow' });
  return done.id;
}

/** Builds the image; throws a BerthError naming the Dockerfile line on bad input or a failing step. */
export async function buildImage(o: BuildOptions): Promise<BuildResult> {
  const t0 = Date.now();
  if (!existsSync(o.context) || !statSync(o.context).isDirectory()) throw new BerthError(`build context ${o.context} is not a directory`);
  const tags = (o.tags ?? []).map((t) => {
    try { return formatReference(parseReference(t)); } catch (e) { throw new BerthError(`invalid tag "${t}": ${(e as Error).message}`); }
  });
  const df = readDockerfile(o);
  const parsed = parseDockerfile(df.text, df.name);
  const list = toInstructions(parsed);
  const buildArgs = { ...(o.buildArgs ?? {}) };
  const store = o.store;
  const cache = new BuildCache(store);
  const auto = AUTO_ARGS(hostPlatform());
  const firstFrom = list.findIndex((i) => i.keyword === 'FROM');
  const globals = globalArgs(df.name, firstFrom < 0 ? list : list.slice(0, firstFrom), buildArgs, auto, parsed.escape);
  const lookup = (n: string) => globals.get(n) ?? (PREDEFINED_ARGS.includes(n) ? buildArgs[n] : undefined);
  const graph = splitStages(df.name, list, lookup, parsed.escape);
  const target = o.target ? stageByRef(graph, o.target) : graph.stages.at(-1)!;
  if (!target || (o.target && target.name !== o.target.toLowerCase())) {
    throw new BerthError(`target stage "${o.target}" could not be found in ${df.name} (stages: ${graph.stages.map((s) => s.name ?? `#${s.index}`).join(', ')})`);
  }
  const expand = (w: string, inst: Instruction) => {
    try { return expandWord(w, lookup, parsed.escape); } catch (e) {
      throw new DockerfileError(df.name, inst.raw.line, inst.raw.col, `${inst.keyword}: ${(e as Error).message}`);
    }
  };
  const order = neededStages(graph, target, expand);
  const b = new BuildSession({ ...o, dockerfile: df.path }, graph, cache, parsed.escape, buildArgs, globals, df.name, buildStage);
  try {
    // Every stage the target needs starts now; each waits only for what it reads.
    const all = order.map((s) => b.stage(s));
    const settled = await Promise.allSettled(all);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const st = await b.stage(target);
    const id = await commitImage(b, st, tags);
    b.timings.totalMs = Date.now() - t0;
    b.emit({ type: 'image', id, tags, ms: b.timings.totalMs, timings: b.timings });
    return { id, tags, steps: b.steps, cached: b.cachedSteps, timings: b.timings };
  } finally {
    b.guard.release();
  }
}
