// The stage graph: global ARGs (before the first FROM), stages with their
// FROM base and `AS` name, and what each stage reads from the others (FROM
// a stage, COPY --from, RUN --mount from=). Only the stages the target needs
// are built; a cycle is an error naming the line that closes it.
import { DockerfileError } from './dockerfile-parse.js';
import type { Instruction } from './instructions.js';
import { expandWord, splitWords, type Lookup } from './shell-lex.js';

export interface Stage {
  index: number;
  /** Lower-case `AS` name, if any. */
  name?: string;
  from: Instruction;
  /** The base as written (expanded with the global args): an image reference, a stage name or "scratch". */
  base: string;
  steps: Instruction[];
}

export interface StageGraph {
  file: string;
  globalArgs: Instruction[];
  stages: Stage[];
}

export function splitStages(file: string, list: Instruction[], globals: Lookup, escape: string): StageGraph {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const inst of list) {
    if (inst.keyword === 'FROM') {
      const words = splitWords(inst.args, escape);
      if (!(words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as'))) {
        throw new DockerfileError(file, inst.raw.line, inst.raw.col, 'FROM requires either one or three arguments: FROM <image> [AS <name>]');
      }
      let base: string;
      try { base = expandWord(words[0]!, globals, escape); } catch (e) {
        throw new DockerfileError(file, inst.raw.line, inst.raw.col, `FROM: ${(e as Error).message}`);
      }
      if (!base) throw new DockerfileError(file, inst.raw.line, inst.raw.col, `FROM: base name "${words[0]}" is empty after substitution`);
      const name = words[2]?.toLowerCase();
      if (name !== undefined) {
        if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new DockerfileError(file, inst.raw.line, inst.raw.col, `invalid stage name "${words[2]}": must start with a letter and contain only letters, digits, _ . -`);
        const dup = stages.find((s) => s.name === name);
        if (dup) throw new DockerfileError(file, inst.raw.line, inst.raw.col, `duplicate stage name "${name}" (first at line ${dup.from.raw.line})`);
      }
      stages.push({ index: stages.length, name, from: inst, base: base.toLowerCase() === 'scratch' ? 'scratch' : base, steps: [] });
    } else if (stages.length === 0) {
      if (inst.keyword !== 'ARG') throw new DockerfileError(file, inst.raw.line, inst.raw.col, `${inst.keyword} before the first FROM: only ARG may come before FROM`);
      globalArgs.push(inst);
    } else stages[stages.length - 1]!.steps.push(inst);
  }
  if (stages.length === 0) throw new DockerfileError(file, 1, 1, 'the Dockerfile has no FROM instruction');
  return { file, globalArgs, stages };
}

/** The stage a name or index refers to, or undefined (then it is an image or a named context). */
export function stageByRef(g: StageGraph, ref: string, before?: number): Stage | undefined {
  const byName = g.stages.find((s) => s.name === ref.toLowerCase());
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < g.stages.length && (before === undefined || i < before)) return g.stages[i];
  }
  return undefined;
}

/** The stage names a stage reads from, each with the instruction that reads it. */
function stageDeps(g: StageGraph, s: Stage, expand: (w: string, inst: Instruction) => string): Array<{ stage: Stage; via: Instruction }> {
  const out: Array<{ stage: Stage; via: Instruction }> = [];
  const base = stageByRef(g, s.base);
  // FROM names only stages defined before it; a later name is an image reference.
  if (base && base.index < s.index && base.name === s.base.toLowerCase()) out.push({ stage: base, via: s.from });
  for (const inst of s.steps) {
    const refs: string[] = [];
    if ((inst.keyword === 'COPY') && inst.flags.from) refs.push(expand(inst.flags.from[0]!, inst));
    if (inst.keyword === 'RUN') {
      for (const m of inst.flags.mount ?? []) {
        const from = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
        if (from) refs.push(expand(from, inst));
      }
    }
    for (const r of refs) {
      const d = stageByRef(g, r);
      if (d) out.push({ stage: d, via: inst });
    }
  }
  return out;
}

export function stageLabel(s: Stage): string {
  return s.name ?? `stage-${s.index}`;
}

/** The stages the target needs, dependencies first; throws on a cycle. */
export function neededStages(g: StageGraph, target: Stage, expand: (w: string, inst: Instruction) => string): Stage[] {
  const order: Stage[] = [];
  const state = new Map<Stage, 'visiting' | 'done'>();
  const visit = (s: Stage, path: Stage[]) => {
    const st = state.get(s);
    if (st === 'done') return;
    if (st === 'visiting') {
      const cyc = [...path.slice(path.indexOf(s)), s].map(stageLabel).join(' → ');
      throw new Error(cyc);
    }
    state.set(s, 'visiting');
    for (const d of stageDeps(g, s, expand)) {
      try { visit(d.stage, [...path, s]); } catch (e) {
        if (e instanceof DockerfileError) throw e;
        throw new DockerfileError(g.file, d.via.raw.line, d.via.raw.col, `stage cycle: ${(e as Error).message}`);
      }
    }
    state.set(s, 'done');
    order.push(s);
  };
  visit(target, []);
  return order;
}
