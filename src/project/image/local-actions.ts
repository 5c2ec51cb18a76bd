// Image commands that work on the local store only: ls, inspect, history,
// tag, rm, prune, import.
import { pathsAt } from '../state-root.js';
import { openImageStore, type ImageStore, type ImageSummary } from '../../image/image-store.js';
import { importRootfs } from '../../image/import.js';
import { BerthError } from '../../errors.js';
import { filterBool, labelMatches, parseFilters, type Filter } from '../filters.js';
import { ago, humanSize, printJson, printJsonLines, repoTag, shortId, table } from './format.js';
import { familiarName, parseReference, repoName, splitRefKey } from '../../image/reference.js';

export function storeFor(root?: string): ImageStore {
  return openImageStore(pathsAt(root).images);
}

/** name:tag / name@digest in Docker's short form (busybox:latest). */
export function familiarKey(k: string): string {
  const s = splitRefKey(k);
  return familiarName(s.name) + (s.digest ? `@${s.digest}` : `:${s.tag}`);
}

/** A glob over name:tag (short or full form); `*` stays within one path component. */
function referenceMatcher(glob: string): (key: string) => boolean {
  const re = new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
  return (k) => re.test(familiarKey(k)) || re.test(familiarName(splitRefKey(k).name)) || re.test(k);
}

/** Docker's `--filter` for image ls: dangling=true|false, reference=<glob>, label=<k>[=<v>]. */
function matchFilters(store: ImageStore, img: ImageSummary, filters: Filter[]): boolean {
  return filters.every((f) => {
    if (f.key === 'dangling') return (img.repoTags.length === 0) === filterBool(f);
    if (f.key === 'reference') return img.repoTags.some(referenceMatcher(f.value));
    return labelMatches(store.describe(img.id).config.Labels ?? {}, f.value);
  });
}

export interface LsOptions {
  filter?: string[]; quiet?: boolean; format?: string; digests?: boolean; noTrunc?: boolean }

/** One row per tag (an untagged image has one `<none>` row), as `image ls` lists them. */
export interface ImageRow { i: ImageSummary; repo: string; tag: string; digest: string }

export function imageRows(root: string | undefined, repo: string | undefined, o: { filter?: string[] }): ImageRow[] {
  const store = storeFor(root);
  let images = store.list();
  if (repo) {
    const r = parseReference(repo, { defaultTag: false });
    const want = repoName(r);
    images = images.filter((i) => i.repoTags.some((k) => { const s = splitRefKey(k); return s.name === want && (!r.tag || s.tag === r.tag); }));
  }
  const filters = parseFilters(o.filter, ['dangling', 'label', 'reference']);
  if (filters.length) {
    images = images.filter((i) => matchFilters(store, i, filters));
    // with reference filters, only the matching tags are listed
    const refs = filters.filter((f) => f.key === 'reference').map((f) => referenceMatcher(f.value));
    if (refs.length) images = images.map((i) => ({ ...i, repoTags: i.repoTags.filter((k) => refs.every((m) => m(k))) }));
  }
  return images.flatMap((i) => (i.repoTags.length ? i.repoTags : ['<none>:<none>']).map((k) => {
    const [repo, tag] = k === '<none>:<none>' ? ['<none>', '<none>'] : repoTag(k);
    const digest = i.repoDigests.find((d) => familiarName(splitRefKey(d).name) === repo);
    return { i, repo, tag, digest: digest ? splitRefKey(digest).digest! : '<none>' };
  }));
}

export function listImages(root: string | undefined, repo: string | undefined, o: LsOptions): void {
  const lines = imageRows(root, repo, o);
  if (o.quiet) {
    process.stdout.write([...new Set(lines.map(({ i }) => (o.noTrunc ? i.id : shortId(i.id))))].map((s) => `${s}\n`).join(''));
    return;
  }
  if (o.format === 'json') {
    printJsonLines(lines.map(({ i, repo, tag, digest }) => ({
      ID: i.id, Repository: repo, Tag: tag, Digest: digest, CreatedAt: i.created, CreatedSince: ago(i.created),
      Size: i.size, Layers: i.layers, Containers: i.inUse, RepoTags: i.repoTags.map(familiarKey), RepoDigests: i.repoDigests.map(familiarKey),
    })));
    return;
  }
  const rows = [['REPOSITORY', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE']];
  for (const { i, repo, tag, digest } of lines) {
    rows.push([repo, tag, ...(o.digests ? [digest] : []), o.noTrunc ? i.id : shortId(i.id), ago(i.created), humanSize(i.size)]);
  }
  process.stdout.write(table(rows));
}

export function imageHistory(root: string | undefined, ref: string, o: { format?: string; noTrunc?: boolean; quiet?: boolean }): void {
  const store = storeFor(root);
  const img = store.resolve(ref);
  const hist = [...(img.image.history ?? [])].reverse();
  const layers = [...img.layers].reverse();
  let li = 0;
  const entries = hist.map((h, i) => {
    const layer = h.empty_layer ? undefined : layers[li++];
    const size = layer ? store.layers.get(layer.chainId)?.size ?? 0 : 0;
    return { ID: i === 0 ? img.id : '<missing>', Created: h.created, CreatedBy: h.created_by ?? '', Size: size, Comment: h.comment ?? '' };
  });
  if (o.quiet) { process.stdout.write(entries.map((e) => `${o.noTrunc ? e.ID : e.ID === '<missing>' ? e.ID : shortId(e.ID)}\n`).join('')); return; }
  if (o.format === 'json') { printJsonLines(entries); return; }
  const rows = [['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT']];
  for (const e of entries) {
    const by = o.noTrunc || e.CreatedBy.length <= 45 ? e.CreatedBy : `${e.CreatedBy.slice(0, 44)}…`;
    rows.push([e.ID === '<missing>' || o.noTrunc ? e.ID : shortId(e.ID), ago(e.Created), by, humanSize(e.Size), e.Comment]);
  }
  process.stdout.write(table(rows));
}

export async function tagImage(root: string | undefined, source: string, target: string): Promise<void> {
  await storeFor(root).tag(source, target);
}

export async function removeImages(root: string | undefined, refs: string[], force: boolean, dryRun = false): Promise<void> {
  const store = storeFor(root);
  if (dryRun) {
    for (const ref of refs) {
      const id = store.lookup(ref);
      if (!id) throw new BerthError(`no such image: ${ref}`);
      process.stdout.write(`Would remove: ${ref} (${id})\n`);
    }
    return;
  }
  const errors: string[] = [];
  for (const ref of refs) {
    try {
      const r = await store.remove(ref, { force });
      for (const u of r.untagged) process.stdout.write(`Untagged: ${familiarKey(u)}\n`);
      for (const d of r.deleted) process.stdout.write(`Deleted: ${d}\n`);
    } catch (e) {
      if (!(e instanceof BerthError)) throw e;
      errors.push(e.message);
    }
  }
  if (errors.length) throw new BerthError(errors.join('; '));
}

export async function pruneImages(root: string | undefined, all: boolean, format?: string, dryRun = false): Promise<void> {
  if (dryRun) {
    for (const id of storeFor(root).pruneCandidates({ all })) process.stdout.write(`Would delete: ${id}\n`);
    return;
  }
  const r = await storeFor(root).prune({ all });
  if (format === 'json') { printJson({ ImagesDeleted: r.deleted, SpaceReclaimed: r.reclaimed }); return; }
  for (const d of r.deleted) process.stdout.write(`Deleted: ${d}\n`);
  process.stdout.write(`Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
}

export async function importImage(root: string | undefined, source: string, ref: string | undefined, o: { change?: string[]; message?: string; platform?: string }): Promise<void> {
  const store = storeFor(root);
  let src = source;
  let cleanup: (() => void) | undefined;
  if (source === '-') {
    const { spoolStdin } = await import('./stdin.js');
    ({ path: src, cleanup } = await spoolStdin(store.blobs.tempName('stdin')));
  }
  try {
    const { parsePlatform } = await import('../../image/platform.js');
    // SOURCE_DATE_EPOCH (reproducible builds) fixes the creation time and file times.
    const epoch = process.env.SOURCE_DATE_EPOCH;
    if (epoch !== undefined && !/^\d+$/.test(epoch)) throw new BerthError(`SOURCE_DATE_EPOCH must be a number of seconds, not "${epoch}"`);
    const created = epoch !== undefined ? new Date(Number(epoch) * 1000) : undefined;
    const img = await importRootfs(store, src, ref, { changes: o.change, message: o.message, created, platform: o.platform ? parsePlatform(o.platform) : undefined });
    process.stdout.write(`${img.id}\n`);
  } finally {
    cleanup?.();
  }
}
