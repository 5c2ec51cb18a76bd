// `berth image build` flags → one call to the project service's buildContext.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { writeOut } from '../output.js';

export interface ImageBuildFlags {
  tag?: string[]; file?: string; target?: string; buildArg?: string[]; label?: string[];
  cache?: boolean; pull?: boolean; network?: string; quiet?: boolean;
}

export async function imageBuild(g: GlobalOptions, context: string, o: ImageBuildFlags): Promise<void> {
  const [{ buildContext }, { pathsAt }, { buildProgress, buildArgsOf, withInterrupt }] = await Promise.all([
    import('../../project/build.js'), import('../../project/state-root.js'), import('./progress.js'),
  ]);
  if (o.network !== undefined && !['default', 'none', 'host'].includes(o.network)) throw new UsageError(`--network ${o.network}: expected default, none or host`);
  const fromStdin = context === '-' || o.file === '-';
  if (context === '-' && o.file && o.file !== '-') throw new UsageError('with - as the context the Dockerfile comes from stdin: -f cannot name a file');
  const labels: Record<string, string> = {};
  for (const l of o.label ?? []) { const i = l.indexOf('='); labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1); }
  const r = await withInterrupt((signal) => buildContext(pathsAt(g.root), {
    context, dockerfile: fromStdin ? undefined : o.file, dockerfileText: fromStdin ? readFileSync(0, 'utf8') : undefined,
    tags: o.tag, target: o.target, buildArgs: buildArgsOf(o.buildArg), labels, noCache: o.cache === false, pull: !!o.pull,
    network: o.network as 'default' | 'none' | 'host' | undefined, progress: buildProgress(g, o.quiet), signal,
  }));
  writeOut(`${r.id}\n`);
}
