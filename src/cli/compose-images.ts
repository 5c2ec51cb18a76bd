// Compose-level `pull`, `push` and `images`: they act on the project's
// services, with docker compose's rules for what is skipped. Progress is one
// line per service on stderr (` web  Pulled  0.4s`), JSON lines with
// `--progress json`, nothing with -q or `--progress quiet`.
import { compareText } from '../text-order.js';
import type { Project, Service } from '../compose/model.js';
import { BerthError, UsageError } from '../errors.js';
import type { ServiceImage } from '../image/project-images.js';
import type { GlobalOptions } from './globals.js';
import { progressKind } from './progress.js';
import { loadProjectFromGlobals } from './project-loader.js';

interface Line { service: string; status: string; message?: string; elapsed?: number }
type Say = (l: Line) => void;

function sayer(g: GlobalOptions, quiet?: boolean): Say {
  const kind = quiet ? 'quiet' : progressKind(g);
  if (kind === 'quiet') return () => {};
  if (kind === 'json') return (l) => { process.stderr.write(JSON.stringify({ id: l.service, ...l, service: undefined, time: new Date().toISOString() }) + '\n'); };
  return (l) => {
    const t = l.elapsed === undefined ? '' : `  ${(l.elapsed / 1000).toFixed(1)}s`;
    process.stderr.write(` ${l.service}  ${l.status}${l.message ? ` - ${l.message}` : ''}${t}\n`);
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

type Decision = { pull: true } | { pull: false; why: string };

/** docker compose pull's rules: no image, never/build, missing and present, buildable. */
function pullDecision(s: Service, present: boolean, o: { policy?: 'missing' | 'always'; ignoreBuildable?: boolean }): Decision {
  if (!s.image) return { pull: false, why: 'No image to be pulled' };
  const policy = o.policy ?? s.pull_policy ?? 'always';
  if (policy === 'never' || policy === 'build') return { pull: false, why: `pull_policy ${policy}` };
  // missing, if_not_present and the refresh policies (daily, weekly, every_*)
  // only pull an image that is not in the store.
  if (policy !== 'always' && present) return { pull: false, why: 'Image is already present locally' };
  if (s.build && o.ignoreBuildable) return { pull: false, why: 'Image can be built' };
  return { pull: true };
}

export async function composePull(g: GlobalOptions, names: string[], o: { ignorePullFailures?: boolean; ignoreBuildable?: boolean; includeDeps?: boolean; policy?: 'missing' | 'always'; quiet?: boolean }): Promise<void> {
  const { services } = await servicesOf(g, names, o.includeDeps);
  const [{ imageStoreFor }, { pullServiceImages }] = await Promise.all([import('../image/index.js'), import('../image/project-images.js')]);
  const store = await imageStoreFor(g.root);
  const say = sayer(g, o.quiet);
  const todo: Array<ServiceImage & { buildable: boolean }> = [];
  for (const [name, s] of services) {
    const d = pullDecision(s, !!s.image && store.lookup(s.image) !== undefined, o);
    if (!d.pull) { say({ service: name, status: 'Skipped', message: d.why }); continue; }
    todo.push({ service: name, image: s.image!, pullPolicy: 'always', buildable: s.build !== undefined });
  }
  if (g.dryRun) {
    for (const t of todo) process.stdout.write(`Would pull ${t.image} for ${t.service}\n`);
    return;
  }
  const started = Date.now();
  for (const t of todo) say({ service: t.service, status: 'Pulling' });
  const results = await pullServiceImages(store, todo, { ignoreFailures: true });
  const mustBuild: string[] = [];
  let fatal: string | undefined;
  for (const [i, r] of results.entries()) {
    if (r.status !== 'failed') { say({ service: r.service, status: 'Pulled', elapsed: Date.now() - started }); continue; }
    say({ service: r.service, status: 'Error', message: r.error });
    if (todo[i]!.buildable) mustBuild.push(r.service);
    else if (!o.ignorePullFailures) fatal ??= r.error;
  }
  if (mustBuild.length) process.stderr.write(`warning: some service image(s) must be built from source: ${mustBuild.join(' ')}\n`);
  if (fatal) throw new BerthError(fatal);
}

export async function composePush(g: GlobalOptions, names: string[], o: { ignorePushFailures?: boolean; includeDeps?: boolean; quiet?: boolean }): Promise<void> {
  const { services } = await servicesOf(g, names, o.includeDeps);
  const [{ imageStoreFor }, { pushServiceImages }] = await Promise.all([import('../image/index.js'), import('../image/project-images.js')]);
  const store = await imageStoreFor(g.root);
  const say = sayer(g, o.quiet);
  // As docker compose: only images the project builds (build: and image:) are
  // pushed, under image: and every build.tags entry.
  const todo: ServiceImage[] = [];
  for (const [name, s] of services) {
    if (!s.build || !s.image) { say({ service: name, status: 'Skipped', message: !s.image ? 'no image: to push to' : 'not built by the project' }); continue; }
    for (const ref of new Set([s.image, ...(s.build.tags ?? [])])) todo.push({ service: name, image: ref });
  }
  if (g.dryRun) {
    for (const t of todo) process.stdout.write(`Would push ${t.image} for ${t.service}\n`);
    return;
  }
  const started = Date.now();
  for (const t of todo) say({ service: t.service, status: 'Pushing', message: t.image });
  const results = await pushServiceImages(store, todo, { ignoreFailures: true });
  let fatal: string | undefined;
  for (const r of results) {
    if (r.status !== 'failed') { say({ service: r.service, status: 'Pushed', message: r.image, elapsed: Date.now() - started }); continue; }
    say({ service: r.service, status: 'Error', message: `${r.image}: ${r.error}` });
    if (o.ignorePushFailures) process.stderr.write(`warning: pushing ${r.service}: ${r.error}\n`);
    else fatal ??= r.error;
  }
  if (fatal) throw new BerthError(fatal);
}

interface ImageRow { ID: string; ContainerName: string; Repository: string; Tag: string; Platform: string; Size: number; Created: string }

export async function composeImages(g: GlobalOptions, names: string[], o: { format: 'table' | 'json'; quiet?: boolean }): Promise<void> {
  const { resolveTarget } = await import('./project-command.js');
  const target = await resolveTarget(g, names, true);
  if (target.project) for (const n of names) if (!target.project.services[n]) throw new UsageError(`no such service: ${n}`);
  const [{ statePaths }, { listRecords }, { imageStoreFor }, { parseReference, familiarName }, { table, humanSize, shortId }] = await Promise.all([
    import('../state/paths.js'), import('../container/record.js'), import('../image/index.js'), import('../image/reference.js'), import('./image/format.js'),
  ]);
  const store = await imageStoreFor(g.root);
  const rows: ImageRow[] = [];
  for (const r of listRecords(statePaths(g.root))) {
    if (r.labels['com.docker.compose.project'] !== target.name) continue;
    if (names.length && !names.includes(r.labels['com.docker.compose.service'] ?? '')) continue;
    const id = r.image.id ?? store.lookup(r.image.ref);
    let repo = '<none>';
    let tag = '<none>';
    try {
      const ref = parseReference(r.image.ref);
      repo = familiarName(`${ref.domain}/${ref.path}`);
      tag = ref.tag ?? (ref.digest ? '<none>' : 'latest');
    } catch { /* an ID rather than a reference */ }
    let size = 0;
    let created = '';
    let platform = '';
    if (id) {
      try {
        const rec = store.record(id);
        size = rec.layers.reduce((n, l) => n + (store.layers.get(l.chainId)?.size ?? 0), 0);
        created = rec.created ?? '';
        const img = store.describe(id).image;
        platform = [img.os, img.architecture, img.variant].filter(Boolean).join('/');
      } catch { /* the image was removed from the store */ }
    }
    rows.push({ ID: id ?? '', ContainerName: r.name, Repository: repo, Tag: tag, Platform: platform, Size: size, Created: created });
  }
  rows.sort((a, b) => compareText(a.ContainerName, b.ContainerName));
  if (o.quiet) {
    const ids = [...new Set(rows.filter((r) => r.ID).map((r) => r.ID.replace(/^sha256:/, '')))];
    process.stdout.write(ids.map((i) => `${i}\n`).join(''));
    return;
  }
  if (o.format === 'json') { process.stdout.write(JSON.stringify(rows) + '\n'); return; }
  process.stdout.write(table([['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
    ...rows.map((r) => [r.ContainerName, r.Repository, r.Tag, r.ID ? shortId(r.ID) : '<missing>', humanSize(r.Size)])]));
}
