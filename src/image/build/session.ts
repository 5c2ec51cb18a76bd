// One build in progress: the parsed Dockerfile and its stage graph, the
// options, the cache, the timings, step numbering for progress, and the
// stages being built (each a memoized promise, so independent stages run
// side by side and a stage several others read is built once).
import { BerthError } from '../../errors.js';
import type { ImageStore } from '../image-store.js';
import type { BuildCache } from './cache.js';
import { stepKey } from './cache.js';
import { openContext, type SourceTree } from './context.js';
import { toInstruction, type Instruction } from './instructions.js';
import { stageByRef, stageLabel, type Stage, type StageGraph } from './stages.js';
import type { StageState } from './state.js';
import { openStepFs, type StepFs } from './step-fs.js';
import type { BuildEvent, BuildOptions, BuildTimings } from './types.js';
import { hostPlatform } from '../platform.js';
import { DockerfileError } from './dockerfile-parse.js';

export interface TreeRef {
  /** Names the content when it is fixed by a stage or image (else the sources are hashed). */
  key?: string;
  get(closers: StepFs[]): Promise<SourceTree>;
}

export class BuildSession {
  readonly store: ImageStore;
  readonly context: SourceTree;
  readonly timings: BuildTimings = { runMs: 0, packMs: 0, copyMs: 0, totalMs: 0 };
  readonly guard: { add: (chains: string[]) => void; release: () => void };
  cachedSteps = 0;
  steps = 0;
  private counter = 0;
  private readonly built = new Map<Stage, Promise<StageState>>();

  constructor(
    readonly opts: BuildOptions,
    readonly graph: StageGraph,
    readonly cache: BuildCache,
    readonly escape: string,
    readonly buildArgs: Record<string, string | undefined>,
    readonly globals: Map<string, string | undefined>,
    readonly file: string,
    private readonly buildStage: (b: BuildSession, s: Stage) => Promise<StageState>,
  ) {
    this.store = opts.store;
    this.context = openContext(opts.context, opts.dockerfile);
    this.guard = opts.store.protect([], []);
  }

  emit(e: BuildEvent): void {
    this.opts.progress?.(e);
  }

  nextStep(): number {
    this.steps++;
    return ++this.counter;
  }

  label(s: Stage): string {
    return this.graph.stages.length === 1 ? '' : stageLabel(s);
  }

  stage(s: Stage): Promise<StageState> {
    let p = this.built.get(s);
    if (!p) {
      p = this.buildStage(this, s);
      this.built.set(s, p);
    }
    return p;
  }

  /** A base or --from image: from the store, pulled when missing (or always with --pull). */
  async image(ref: string, inst: Instruction): Promise<{ id: string; key: string }> {
    const fail = (m: string) => new DockerfileError(this.file, inst.raw.line, inst.raw.col, m);
    let id = (() => { try { return this.store.lookup(ref); } catch { return undefined; } })();
    if (!id || this.opts.pull) {
      if (!this.opts.pullImage) {
        if (!id) throw fail(`${inst.keyword === 'FROM' ? 'FROM' : `${inst.keyword} --from`} ${ref}: no such stage or image in the store`);
      } else {
        try { await this.opts.pullImage(ref); } catch (e) {
          if (!id) throw fail(`${inst.keyword === 'FROM' ? 'FROM' : `${inst.keyword} --from`} ${ref}: no such stage, and the image is not in the store and could not be pulled (${(e as Error).message})`);
        }
        id = this.store.lookup(ref);
        if (!id) throw fail(`${ref}: the image is not in the store after pulling it`);
      }
    }
    return { id, key: stepKey('image', id) };
  }

  /** Where COPY --from / RUN --mount from= reads: a stage, a named context, an image; the build context without `from`. */
  async treeFor(from: string | undefined, inst: Instruction): Promise<TreeRef> {
    if (from === undefined) return { get: async () => this.context };
    const ctx = this.opts.additionalContexts?.[from];
    if (ctx !== undefined && !ctx.startsWith('docker-image://')) {
      return { get: async () => ({ ...openContext(ctx), what: `context ${from}` }) };
    }
    const stage = ctx === undefined ? stageByRef(this.graph, from) : undefined;
    if (stage) {
      const st = await this.stage(stage);
      return { key: st.key, get: (closers) => this.mountLayers(st.layers, `stage ${stageLabel(stage)}`, closers) };
    }
    if (!ctx && /^\d+$/.test(from)) throw new DockerfileError(this.file, inst.raw.line, inst.raw.col, `${inst.keyword} --from=${from}: there is no stage ${from}`);
    const ref = ctx ? ctx.slice('docker-image://'.length) : from;
    // A bare word is taken for a stage name: it is never looked for in a registry.
    if (!ctx && /^[a-z][a-z0-9_-]*$/.test(from) && !this.store.lookup(from)) {
      throw new DockerfileError(this.file, inst.raw.line, inst.raw.col, `${inst.keyword} --from=${from}: no stage named ${from} (stages: ${this.graph.stages.map(stageLabel).join(', ')})`);
    }
    const img = await this.image(ref, inst);
    const layers = this.store.record(img.id).layers;
    return { key: img.key, get: (closers) => this.mountLayers(layers, `image ${ref}`, closers) };
  }

  private async mountLayers(layers: StageState['layers'], what: string, closers: StepFs[]): Promise<SourceTree> {
    const fs = await openStepFs(this.store, layers, this.opts.mountDir);
    closers.push(fs);
    return { root: fs.rootfs, what };
  }

  /** An ONBUILD trigger of the base image as an instruction at the FROM line. */
  trigger(text: string, from: Instruction): Instruction {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
    if (!m) throw new BerthError(`bad ONBUILD trigger "${text}"`);
    return toInstruction(this.file, { ...from.raw, keyword: m[1]!.toUpperCase(), args: m[2]!, heredocs: [], source: text });
  }

  platform(): { architecture: string; os: string } {
    const p = hostPlatform();
    return { architecture: p.architecture, os: p.os };
  }
}
