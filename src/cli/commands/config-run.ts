// `berth config` implementation (loaded only when the command runs).
import { writeFileSync } from 'node:fs';
import type { GlobalOptions } from '../globals.js';
import type { ConfigFlags } from './config.js';
import type { LoadOptions, Service } from '../../compose/model.js';
import { loadOptionsOf } from '../project-loader.js';
import { loadRawProject } from '../../compose/loader.js';
import { finishProject, withPositions } from '../../compose/project.js';
import { configDocument, toJson, toYaml } from '../../compose/output.js';
import { configView } from '../../compose/used-resources.js';
import { extractVariables } from '../../compose/variables.js';
import { UsageError } from '../../errors.js';
import { table } from '../tools/table.js';
import { writeErr, writeOut } from '../output.js';

function lines(xs: Iterable<string>): string {
  const a = [...xs];
  return a.length ? a.join('\n') + '\n' : '';
}

export async function runConfig(g: GlobalOptions, services: string[], f: ConfigFlags): Promise<void> {
  if (f.variables) return void emit(variablesText(g, services, f.format), f.output);
  const options = loadOptionsOf(g, { services, selectServices: services.length > 0, interpolate: f.interpolate });
  const hash = f.hash !== undefined ? (await import('../../compose/hash.js')).hashService : undefined;
  const { text, warnings, model } = withPositions(options, (o) => render(o, f, hash));
  for (const w of warnings) writeErr(`warning: ${w}\n`);
  // As docker compose does, an interpolated model escapes its dollars ($ → $$) so that it loads back to the same values.
  if (!f.quiet) emit(model && f.interpolate ? text.replaceAll('$', '$$$$') : text, f.output);
}

/** `model`: the text is the project's model (not a list such as --services). */
function render(o: LoadOptions, f: ConfigFlags, hashService?: (s: Service) => string): { text: string; warnings: string[]; model?: boolean } {
  const raw = loadRawProject(o);
  const done = (text: string, model = false) => ({ text, warnings: raw.warnings, model });
  let text: string;
  if (!f.interpolate || !f.normalize) {
    // Merged and validated, but as written: no defaults, short syntax kept.
    const rawServices = (raw.raw.services ?? {}) as Record<string, unknown>;
    const doc: Record<string, unknown> = { name: raw.name, services: Object.fromEntries(Object.keys(rawServices).sort().map((k) => [k, rawServices[k]])) };
    for (const k of ['networks', 'volumes', 'secrets', 'configs']) if (raw.raw[k] !== undefined) doc[k] = raw.raw[k];
    for (const k of Object.keys(raw.raw)) if (k.startsWith('x-')) doc[k] = raw.raw[k];
    return done(f.format === 'json' ? toJson(doc) : toYaml(doc), true);
  }
  const profilesAll = new Set<string>();
  for (const ps of raw.disabled.values()) ps.forEach((p) => profilesAll.add(p));
  // As docker compose prints it: only the resources the (selected) services use.
  // --hash is always over the resolved service: it must match what up compares.
  const project = configView(finishProject(raw, { keepEnvFiles: !f.envResolution && f.hash === undefined }));
  if (f.quiet) return done('');
  const names = Object.keys(project.services);
  if (f.services) text = lines(dependenciesFirst(project));
  else if (f.volumes) text = lines(Object.keys(project.volumes));
  else if (f.networks) text = lines(Object.keys(project.networks));
  else if (f.profiles) {
    for (const s of Object.values(project.services)) (s.profiles ?? []).forEach((p) => profilesAll.add(p));
    text = lines([...profilesAll].sort());
  } else if (f.images) {
    text = lines(names.map((n) => project.services[n]!.image ?? `${project.name}-${n}`));
  } else if (f.environment) {
    text = lines(Object.keys(project.environment).sort().map((k) => `${k}=${project.environment[k]}`));
  } else if (f.hash !== undefined && hashService) {
    const wanted = f.hash === '*' ? names : f.hash.split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of wanted) if (!Object.hasOwn(project.services, n)) throw new UsageError(`no such service: ${n}`);
    text = lines(wanted.map((n) => `${n} ${hashService(project.services[n]!)}`));
  } else {
    const doc = configDocument(project);
    return done(f.format === 'json' ? toJson(doc) : toYaml(doc), true);
  }
  return done(text);
}

/** Service names with each one's dependencies before it, as docker compose walks them (by name where free). */
function dependenciesFirst(p: { services: Record<string, Service> }): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n) || !Object.hasOwn(p.services, n)) return;
    seen.add(n);
    for (const d of Object.keys(p.services[n]!.depends_on ?? {}).sort()) visit(d);
    out.push(n);
  };
  for (const n of Object.keys(p.services).sort()) visit(n);
  return out;
}

/** `--variables`: read from the model before interpolation (compose-go's ExtractVariables). */
function variablesText(g: GlobalOptions, services: string[], format?: 'yaml' | 'json'): string {
  const options = loadOptionsOf(g, { services, selectServices: services.length > 0, interpolate: false });
  const vars = withPositions(options, (o) => extractVariables(loadRawProject(o).raw));
  if (format === 'json') {
    return JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, { Name: v.name, DefaultValue: v.defaultValue, PresenceValue: v.presenceValue, Required: v.required }]))) + '\n';
  }
  if (format === 'yaml') {
    if (vars.length === 0) return '{}\n';
    return toYaml(Object.fromEntries(vars.map((v) => [v.name, { name: v.name, defaultvalue: v.defaultValue, presencevalue: v.presenceValue, required: v.required }])));
  }
  return table(['NAME', 'REQUIRED', 'DEFAULT VALUE', 'ALTERNATE VALUE'], vars.map((v) => [v.name, String(v.required), v.defaultValue, v.presenceValue]));
}

function emit(text: string, output?: string): void {
  if (output) writeFileSync(output, text);
  else writeOut(text);
}
