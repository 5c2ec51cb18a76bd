// The steps that make a layer: RUN (through the step runner), COPY and ADD.
// Each computes its cache key first (for COPY/ADD, with the content of what
// it reads), reuses a cached layer when it can, and otherwise works in a
// fresh overlay whose upper dir becomes the layer.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { hashSources, resolveSource, SourceError, type SourceEntry, type SourceTree } from './context.js';
import { copySource, extractArchive, inRoot, isTarArchive, mkdirInRoot, writeHeredoc, type Ownership } from './copy.js';
import { stepKey } from './cache.js';
import { DockerfileError } from './dockerfile-parse.js';
import type { Instruction } from './instructions.js';
import { patternRegex } from './pattern.js';
import type { RunMount } from './runner.js';
import { expandWord, splitWords } from './shell-lex.js';
import { runEnv, shellOf, stageLookup, type StageState } from './state.js';
import { commitUpper, dropMountPoints, openStepFs, type StepFs } from './step-fs.js';
import type { BuildTimings } from './types.js';
import type { BuildSession } from './session.js';

export function stepError(b: BuildSession, inst: Instruction, msg: string): DockerfileError {
  return new DockerfileError(b.file, inst.raw.line, inst.raw.col, msg);
}

/** Runs `work` in a fresh overlay over the stage's layers and commits what it changed; or takes the cached layer. */
async function layerStep(b: BuildSession, s: StageState, inst: Instruction, n: number, key: string, work: (fs: StepFs) => Promise<void>): Promise<void> {
  const hit = b.opts.noCache ? undefined : b.cache.get(key);
  if (hit) {
    b.emit({ type: 'cached', n });
    b.cachedSteps++;
    finish(s, inst, key, hit.created, hit.layer);
    return;
  }
  const fs = await openStepFs(b.store, s.layers, b.opts.mountDir);
  let layer;
  try {
    await work(fs);
    await fs.unmount();
    layer = await commitUpper(b.store, fs.upper, s.layers.at(-1)?.chainId, b.timings);
  } finally {
    await fs.close();
  }
  if (layer) b.guard.add([layer.chainId]);
  const created = new Date().toISOString();
  b.cache.put(key, { created, layer });
  finish(s, inst, key, created, layer);
}

function finish(s: StageState, inst: Instruction, key: string, created: string, layer: StageState['layers'][number] | undefined): void {
  if (layer) s.layers.push(layer);
  s.history.push({ created, created_by: inst.text, ...(layer ? {} : { empty_layer: true }) });
  s.key = key;
}

// ---- RUN ----

function runCommand(inst: Instruction, s: StageState): string[] {
  if (inst.json) return inst.json;
  const only = /^<<-?["']?([A-Za-z_][A-Za-z0-9_]*)["']?$/.exec(inst.args.trim());
  if (only && inst.raw.heredocs.length === 1) return [...shellOf(s), inst.raw.heredocs[0]!.content];
  // Heredocs after a command are fed to the shell as written.
  let script = inst.args;
  for (const h of inst.raw.heredocs) script += `\n${h.content}${h.name}`;
  return [...shellOf(s), script];
}

interface MountSpec { type: string; target: string; source?: string; from?: string; id?: string; readOnly: boolean }

function parseMount(b: BuildSession, inst: Instruction, text: string): MountSpec {
  const kv = new Map<string, string>();
  for (const part of text.split(',')) {
    const i = part.indexOf('=');
    kv.set(i < 0 ? part : part.slice(0, i), i < 0 ? 'true' : part.slice(i + 1));
  }
  const type = kv.get('type') ?? 'bind';
  if (type === 'ssh') throw stepError(b, inst, 'RUN --mount=type=ssh: SSH agent forwarding is not available in berth builds');
  if (!['bind', 'cache', 'secret', 'tmpfs'].includes(type)) throw stepError(b, inst, `RUN --mount: unknown type "${type}"`);
  const id = kv.get('id') ?? kv.get('source') ?? kv.get('src');
  const target = kv.get('target') ?? kv.get('dst') ?? kv.get('destination') ?? (type === 'secret' && id ? `/run/secrets/${id}` : undefined);
  if (!target) throw stepError(b, inst, `RUN --mount=${text}: target is required`);
  if (!target.startsWith('/')) throw stepError(b, inst, `RUN --mount=${text}: target must be an absolute path`);
  return { type, target, source: kv.get('source') ?? kv.get('src'), from: kv.get('from'), id, readOnly: type === 'bind' ? kv.get('rw') !== 'true' && kv.get('readwrite') !== 'true' : kv.get('ro') === 'true' };
}

async function runMounts(b: BuildSession, inst: Instruction, specs: MountSpec[], scratch: string, closers: StepFs[]): Promise<RunMount[]> {
  const out: RunMount[] = [];
  for (const m of specs) {
    if (m.type === 'cache') {
      const dir = join(b.store.root, 'build-cache-mounts', createHash('sha256').update(m.id ?? m.target).digest('hex').slice(0, 32));
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      out.push({ source: dir, target: m.target, readOnly: m.readOnly });
    } else if (m.type === 'secret') {
      const file = m.id ? b.opts.secrets?.[m.id] : undefined;
      if (!file) throw stepError(b, inst, `RUN --mount=type=secret: no secret with id "${m.id ?? ''}" was given to the build`);
      if (!existsSync(file)) throw stepError(b, inst, `RUN --mount=type=secret,id=${m.id}: the file ${file} does not exist`);
      out.push({ source: file, target: m.target, readOnly: true });
    } else if (m.type === 'tmpfs') {
      const dir = join(scratch, `tmpfs-${out.length}`);
      mkdirSync(dir, { recursive: true });
      out.push({ source: dir, target: m.target, readOnly: false });
    } else {
      const tree = await (await b.treeFor(m.from, inst)).get(closers);
      let entries: SourceEntry[];
      try { entries = resolveSource(tree, m.source ?? '/'); } catch (e) {
        throw stepError(b, inst, `RUN --mount: ${(e as Error).message}`);
      }
      // Writes through a bind would reach the context: berth keeps every bind read-only.
      out.push({ source: entries[0]!.abs, target: m.target, readOnly: true });
    }
  }
  return out;
}

export async function runStep(b: BuildSession, s: StageState, inst: Instruction, n: number): Promise<void> {
  const net = inst.flags.network?.[0] ?? b.opts.network ?? 'default';
  if (!['default', 'none', 'host'].includes(net)) throw stepError(b, inst, `RUN --network=${net}: expected default, none or host`);
  if (inst.flags.security && inst.flags.security[0] !== 'sandbox') throw stepError(b, inst, 'RUN --security=insecure is not allowed: RUN steps keep the default isolation');
  const specs = (inst.flags.mount ?? []).map((m) => parseMount(b, inst, m));
  const args = runCommand(inst, s);
  const env = runEnv(s, b.buildArgs);
  const cwd = s.config.WorkingDir || '/';
  const bindHashes: string[] = [];
  for (const m of specs) {
    if (m.type === 'bind' && !m.from) {
      try { bindHashes.push(await hashSources(b.context, resolveSource(b.context, m.source ?? '/'))); } catch (e) {
        throw stepError(b, inst, `RUN --mount: ${(e as Error).message}`);
      }
    }
  }
  const key = stepKey(s.key, 'RUN', args, env, s.config.User ?? '', cwd, net, specs, bindHashes, await Promise.all(specs.filter((m) => m.from).map(async (m) => (await b.treeFor(m.from, inst)).key)));
  await layerStep(b, s, inst, n, key, async (fs) => {
    const closers: StepFs[] = [];
    try {
      const mounts = await runMounts(b, inst, specs, fs.dir, closers);
      const points = [...b.opts.runner.mountPoints, ...mounts.map((m) => m.target)];
      const existed = new Set(points.filter((p) => { try { lstatSync(inRoot(fs.rootfs, p)); return true; } catch { return false; } }));
      mkdirInRoot(fs.rootfs, cwd);
      const t0 = Date.now();
      const code = await b.opts.runner.run({
        rootfs: fs.rootfs, args, env, user: s.config.User, cwd, network: net as 'default' | 'none' | 'host',
        extraHosts: b.opts.extraHosts, shmSize: b.opts.shmSize, mounts, signal: b.opts.signal,
        output: (chunk, stream) => b.emit({ type: 'output', n, stream, text: chunk.toString() }),
      });
      b.timings.runMs += Date.now() - t0;
      if (code !== 0) {
        throw stepError(b, inst, `${inst.text.split('\n')[0]}: process "${args.join(' ').split('\n')[0]}" did not complete successfully: exit code: ${code}`);
      }
      await fs.unmount();
      dropMountPoints(fs.upper, points, existed);
    } finally {
      for (const c of closers) await c.close();
    }
  });
}

// ---- COPY / ADD ----

function resolveOwner(rootfs: string, chown: string): { uid: number; gid: number } {
  const [u, g] = chown.split(':');
  const lookup = (file: string, name: string, field: number): number | undefined => {
    if (/^\d+$/.test(name)) return Number(name);
    let text = '';
    try { text = readFileSync(inRoot(rootfs, file), 'utf8'); } catch { return undefined; }
    const line = text.split('\n').find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[field]) : undefined;
  };
  const uid = lookup('/etc/passwd', u!, 2);
  if (uid === undefined) throw new Error(`unable to find user ${u}: no matching entries in passwd file`);
  let gid: number | undefined;
  if (g !== undefined && g !== '') gid = lookup('/etc/group', g, 2);
  else if (/^\d+$/.test(u!)) gid = uid;
  else gid = lookup('/etc/passwd', u!, 3);
  if (gid === undefined) throw new Error(`unable to find group ${g}: no matching entries in group file`);
  return { uid, gid };
}

const isUrl = (s: string) => /^(https?|ftp):\/\//i.test(s) || /^git@/.test(s) || /\.git(#.*)?$/.test(s) && /:\/\//.test(s);

export async function copyStep(b: BuildSession, s: StageState, inst: Instruction, n: number, t: BuildTimings): Promise<void> {
  const look = stageLookup(s);
  const esc = b.escape;
  let words: string[];
  try {
    words = inst.json ? inst.json.map((w) => expandWord(w, look, esc)) : splitWords(inst.args, esc).map((w) => (/^<<-?/.test(w) ? w : expandWord(w, look, esc)));
  } catch (e) { throw stepError(b, inst, `${inst.keyword}: ${(e as Error).message}`); }
  if (words.length < 2) throw stepError(b, inst, `${inst.keyword} requires at least two arguments: a source and a destination`);
  const destWord = words.at(-1)!;
  const srcs = words.slice(0, -1);
  const dest = posix.resolve(s.config.WorkingDir || '/', destWord) + (destWord.endsWith('/') && destWord !== '/' ? '/' : '');
  const from = inst.flags.from ? expandWord(inst.flags.from[0]!, look, esc) : undefined;
  if (from && inst.keyword === 'ADD') throw stepError(b, inst, 'ADD does not take --from: use COPY --from');
  const chown = inst.flags.chown ? expandWord(inst.flags.chown[0]!, look, esc) : undefined;
  const chmodText = inst.flags.chmod?.[0];
  if (chmodText !== undefined && !/^[0-7]{3,4}$/.test(chmodText)) throw stepError(b, inst, `${inst.keyword} --chmod=${chmodText}: expected an octal mode such as 755`);
  const exclude = (inst.flags.exclude ?? []).map((x) => patternRegex(x));
  for (const src of srcs) {
    if (isUrl(src)) throw stepError(b, inst, `${inst.keyword} ${src}: fetching from a URL needs the network, and berth builds offline: put the file in the build context and COPY it`);
  }
  const heredocs = inst.raw.heredocs;
  const isDoc = (w: string) => /^<<-?["']?[A-Za-z_]/.test(w);
  const closers: StepFs[] = [];
  try {
    const src = await b.treeFor(from, inst);
    const resolve = (tree: SourceTree) => {
      const out: Array<{ word: string; entries: SourceEntry[] }> = [];
      for (const w of srcs.filter((x) => !isDoc(x))) {
        try { out.push({ word: w, entries: resolveSource(tree, w) }); } catch (e) {
          if (e instanceof SourceError) throw stepError(b, inst, `${inst.keyword} failed: ${e.message}`);
          throw e;
        }
      }
      return out;
    };
    // Sources of the context are hashed; a stage's or image's content is named by its key.
    let resolved: Array<{ word: string; entries: SourceEntry[] }> = [];
    let contentHash = src.key;
    let tree: SourceTree | undefined;
    if (!contentHash) {
      tree = await src.get(closers);
      resolved = resolve(tree);
      contentHash = await hashSources(tree, resolved.flatMap((r) => r.entries), exclude);
    }
    const docs = heredocs.map((h) => [h.name, h.content]);
    const key = stepKey(s.key, inst.keyword, srcs, dest, chown ?? '', chmodText ?? '', contentHash, docs, exclude.map(String));
    await layerStep(b, s, inst, n, key, async (fs) => {
      const t0 = Date.now();
      if (!tree) {
        tree = await src.get(closers);
        resolved = resolve(tree);
      }
      const srcTree = tree;
      let own: Ownership;
      try {
        own = { ...(chown ? resolveOwner(fs.rootfs, chown) : {}), mode: chmodText ? parseInt(chmodText, 8) : undefined, keepOwner: src.key !== undefined };
      } catch (e) { throw stepError(b, inst, `${inst.keyword} --chown=${chown}: ${(e as Error).message}`); }
      const many = srcs.length > 1 || resolved.some((r) => r.entries.length > 1 || /[*?[]/.test(r.word));
      let existingDir = false;
      try { existingDir = statSync(inRoot(fs.rootfs, dest)).isDirectory(); } catch { existingDir = false; }
      if (many && !dest.endsWith('/') && !existingDir) throw stepError(b, inst, `${inst.keyword}: when copying several sources the destination must be a directory and end with a /`);
      const destIsDir = dest.endsWith('/') || many || existingDir;
      mkdirInRoot(fs.rootfs, s.config.WorkingDir || '/');
      for (const w of srcs.filter(isDoc)) {
        const name = /^<<-?["']?([A-Za-z_][A-Za-z0-9_]*)/.exec(w)![1];
        const h = heredocs.find((x) => x.name === name);
        if (!h) throw stepError(b, inst, `${inst.keyword}: no heredoc named ${name}`);
        writeHeredoc(fs.rootfs, destIsDir ? posix.join(dest, name!) : dest, h.content, own);
      }
      for (const r of resolved) {
        for (const e of r.entries) {
          if (inst.keyword === 'ADD' && isTarArchive(e.abs, e.st)) await extractArchive(e, fs.dir, fs.rootfs, dest, own);
          else copySource(srcTree, e, fs.rootfs, dest, destIsDir, own, exclude);
        }
      }
      t.copyMs += Date.now() - t0;
    });
  } finally {
    for (const c of closers) await c.close();
  }
}
