// `berth config` implementation (loaded only when the command runs).
import { writeFileSync } from 'node:fs';
import type { GlobalOptions } from '../globals.js';
import type { ConfigFlags } from './config.js';
import { loadOptionsOf } from '../project-loader.js';
import { loadRawProject } from '../../compose/loader.js';
import { finishProject } from '../../compose/project.js';
import { configDocument, toJson, toYaml } from '../../compose/output.js';
import { UsageError } from '../../errors.js';

function lines(xs: Iterable<string>): string {
  const a = [...xs];
  return a.length ? a.join('\n') + '\n' : '';
}

export async function runConfig(g: GlobalOptions, services: string[], f: ConfigFlags): Promise<void> {
  const raw = loadRawProject({ ...loadOptionsOf(g, { services, selectServices: services.length > 0, interpolate: f.interpolate }) });
  for (const w of raw.warnings) process.stderr.write(`warning: ${w}\n`);
  let text: string;
  if (!f.interpolate || !f.normalize) {
    // Merged and validated, but as written: no defaults, short syntax kept.
    const rawServices = (raw.raw.services ?? {}) as Record<string, unknown>;
    const doc: Record<string, unknown> = { name: raw.name, services: Object.fromEntries(Object.keys(rawServices).sort().map((k) => [k, rawServices[k]])) };
    for (const k of ['networks', 'volumes', 'secrets', 'configs']) if (raw.raw[k] !== undefined) doc[k] = raw.raw[k];
    for (const k of Object.keys(raw.raw)) if (k.startsWith('x-')) doc[k] = raw.raw[k];
    if (f.quiet) return;
    text = f.format === 'json' ? toJson(doc) : toYaml(doc);
    emit(text, f.output);
    return;
  }
  const profilesAll = new Set<string>();
  for (const ps of raw.disabled.values()) ps.forEach((p) => profilesAll.add(p));
  const project = finishProject(raw);
  if (f.quiet) return;
  const names = Object.keys(project.services);
  if (f.services) text = lines(names);
  else if (f.volumes) text = lines(Object.keys(project.volumes));
  else if (f.networks) text = lines(Object.keys(project.networks));
  else if (f.profiles) {
    for (const s of Object.values(project.services)) (s.profiles ?? []).forEach((p) => profilesAll.add(p));
    text = lines([...profilesAll].sort());
  } else if (f.images) {
    text = lines(names.map((n) => project.services[n]!.image ?? `${project.name}-${n}`));
  } else if (f.environment) {
    text = lines(Object.keys(project.environment).sort().map((k) => `${k}=${project.environment[k]}`));
  } else if (f.hash !== undefined) {
    const wanted = f.hash === '*' ? names : f.hash.split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of wanted) if (!project.services[n]) throw new UsageError(`no such service: ${n}`);
    const { hashService } = await import('../../compose/hash.js');
    text = lines(wanted.map((n) => `${n} ${hashService(project.services[n]!)}`));
  } else {
    const doc = configDocument(project);
    text = f.format === 'json' ? toJson(doc) : toYaml(doc);
  }
  emit(text, f.output);
}

function emit(text: string, output?: string): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}
