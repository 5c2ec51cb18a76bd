// Compose-level `pull`, `push` and `images`: the project's services, handed
// to the project service. Progress is one line per service on stderr
// (` web  Pulled  0.4s`), JSON lines with `--progress json`, nothing with -q
// or `--progress quiet`.
import { compareText } from '../text-order.js';
import type { Project, Service } from '../compose/model.js';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from './globals.js';
import { progressKind } from './progress.js';
import { loadProjectFromGlobals } from './project-loader.js';
import type { ServiceProgress } from '../project/pull.js';
import { writeErr, writeOut } from './output.js';

type Say = (l: ServiceProgress) => void;

const print = (line: string) => void writeOut(`${line}\n`);
const warn = (m: string) => void writeErr(`warning: ${m}\n`);

function sayer(g: GlobalOptions, quiet?: boolean): Say {
  const kind = quiet ? 'quiet' : progressKind(g);
  if (kind === 'quiet') return () => {};
  if (kind === 'json') return (l) => { writeErr(JSON.stringify({ id: l.service, ...l, service: undefined, time: new Date().toISOString() }) + '\n'); };
  return (l) => {
    const t = l.elapsed === undefined ? '' : `  ${(l.elapsed / 1000).toFixed(1)}s`;
    writeErr(` ${l.service}  ${l.status}${l.message ? ` - ${l.message}` : ''}${t}\n`);
  };
}

/**
 * The project's services for pull/push: all of them, or the named ones
 * (with --include-deps, and what they depend on).
 */
async function servicesOf(g: GlobalOptions, names: string[], includeDeps?: boolean): Promise<{ project: Project; services: Array<[string, Service]> }> {
  const project = await loadProjectFromGlobals(g, { services: names, selectServices: includeDeps });
  for (const n of names) if (!project.services[n]) throw new UsageError(`no such service: ${n}`);
  const all = Object.entries(project.services).sort(([a], [b]) => compareText(a, b));
  return { project, services: includeDeps || names.length === 0 ? all : all.filter(([n]) => names.includes(n)) };
}

export async function composePull(g: GlobalOptions, names: string[], o: { ignorePullFailures?: boolean; ignoreBuildable?: boolean; includeDeps?: boolean; policy?: 'missing' | 'always'; quiet?: boolean }): Promise<void> {
  const { services } = await servicesOf(g, names, o.includeDeps);
  const { pullProject } = await import('../project/pull.js');
  await pullProject({ ...o, root: g.root, services, dryRun: g.dryRun, say: sayer(g, o.quiet), onDryRun: print, warn });
}

export async function composePush(g: GlobalOptions, names: string[], o: { ignorePushFailures?: boolean; includeDeps?: boolean; quiet?: boolean }): Promise<void> {
  const { services } = await servicesOf(g, names, o.includeDeps);
  const { pushProject } = await import('../project/pull.js');
  await pushProject({ ...o, root: g.root, services, dryRun: g.dryRun, say: sayer(g, o.quiet), onDryRun: print, warn });
}

export async function composeImages(g: GlobalOptions, names: string[], o: { format: 'table' | 'json'; quiet?: boolean }): Promise<void> {
  const { resolveTarget } = await import('./project-command.js');
  const target = await resolveTarget(g, names, true);
  if (target.project) for (const n of names) if (!target.project.services[n]) throw new UsageError(`no such service: ${n}`);
  const [{ projectImages }, { table, humanSize, shortId }] = await Promise.all([import('../project/images.js'), import('../project/image/format.js')]);
  const rows = await projectImages(g.root, target.name, names);
  if (o.quiet) {
    const ids = [...new Set(rows.filter((r) => r.ID).map((r) => r.ID.replace(/^sha256:/, '')))];
    writeOut(ids.map((i) => `${i}\n`).join(''));
    return;
  }
  if (o.format === 'json') { writeOut(JSON.stringify(rows) + '\n'); return; }
  writeOut(table([['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
    ...rows.map((r) => [r.ContainerName, r.Repository, r.Tag, r.ID ? shortId(r.ID) : '<missing>', humanSize(r.Size)])]));
}
