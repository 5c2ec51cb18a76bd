import type { Command } from 'commander';
import { Option } from 'commander';
import { collect, globalsOf } from '../globals.js';
import { guard } from '../guard.js';
import { addSearch } from './search.js';
import type { ImageBuildFlags } from '../build/image-build.js';
import { writeOut } from '../output.js';


const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

function addLs(cmd: Command): Command {
  return cmd
    .argument('[repository]', 'only images of this repository[:tag]')
    .option('-a, --all', 'show all images')
    .option('-q, --quiet', 'only print image IDs')
    .option('--digests', 'show digests')
    .option('--filter <key=value>', 'filter: dangling=true|false, reference=<name[:tag] glob>, label=<key>[=<value>] (repeatable)', collect)
    .option('--no-trunc', 'do not truncate output')
    .option('--format <format>', 'table, json, or a Go template ("{{.Repository}}:{{.Tag}}"; "table ..." adds headers)', 'table')
    .action(guard(async (repo: string | undefined, opts: { quiet?: boolean; digests?: boolean; trunc?: boolean; format: string; filter?: string[] }, cmd: Command) => {
      const { listImages, imageRows } = await import('../../project/image/local-actions.js');
      const root = globalsOf(cmd).root;
      if (opts.format !== 'table' && opts.format !== 'json' && !opts.quiet) {
        const [{ imageTemplate }, { ago }] = await Promise.all([import('../tools/ls-templates.js'), import('../../project/image/format.js')]);
        writeOut(imageTemplate(imageRows(root, repo, { filter: opts.filter }), opts.format, { noTrunc: opts.trunc === false, ago }));
        return;
      }
      listImages(root, repo, { quiet: opts.quiet, digests: opts.digests, noTrunc: opts.trunc === false, format: opts.format, filter: opts.filter });
    }));
}

export function registerImage(program: Command): void {
  const image = program.command('image').description('manage images');

  addLs(image.command('ls').alias('list').description('list images'));

  image.command('pull').description('pull an image from a registry')
    .argument('<ref>', 'image reference')
    .option('--platform <os/arch>', 'platform to pull from a multi-platform image')
    .option('-q, --quiet', 'only print the image ID')
    .action(guard(async (ref: string, opts: { platform?: string; quiet?: boolean }, cmd: Command) => {
      const [{ pullCommand }, { progressSink }] = await Promise.all([import('../../project/image/remote-actions.js'), import('../image/progress.js')]);
      const g = globalsOf(cmd);
      await pullCommand(g.root, ref, opts, progressSink(g, opts.quiet));
    }));

  image.command('push').description('push an image to a registry')
    .argument('<ref>', 'image reference')
    .option('-q, --quiet', 'suppress progress output')
    .action(guard(async (ref: string, opts: { quiet?: boolean }, cmd: Command) => {
      const [{ pushCommand }, { progressSink }] = await Promise.all([import('../../project/image/remote-actions.js'), import('../image/progress.js')]);
      const g = globalsOf(cmd);
      await pushCommand(g.root, ref, progressSink(g, opts.quiet));
    }));

  image.command('rm').aliases(['remove', 'rmi']).description('remove images')
    .argument('<ref...>', 'images to remove (reference or ID)')
    .option('-f, --force', 'remove an image referenced by several tags')
    .action(guard(async (refs: string[], opts: { force?: boolean }, cmd: Command) => {
      const { removeImages } = await import('../../project/image/local-actions.js');
      const g = globalsOf(cmd);
      await removeImages(g.root, refs, Boolean(opts.force), g.dryRun);
    }));

  image.command('tag').description('create a tag TARGET that refers to SOURCE')
    .argument('<source>', 'existing image').argument('<target>', 'new reference')
    .action(guard(async (source: string, target: string, _opts: unknown, cmd: Command) => {
      const { tagImage } = await import('../../project/image/local-actions.js');
      await tagImage(globalsOf(cmd).root, source, target);
    }));

  image.command('inspect').description('show the details of images as JSON')
    .argument('<ref...>', 'images')
    .option('-f, --format <template>', 'a Go template ("{{.Config.Cmd}}"), or json')
    .action(guard(async (refs: string[], o: { format?: string }, cmd: Command) => {
      const { inspectCommand } = await import('../tools/object-inspect.js');
      await inspectCommand(globalsOf(cmd).root, refs, { type: 'image', format: o.format });
    }));

  image.command('history').description('show the history of an image')
    .argument('<ref>', 'image')
    .option('-q, --quiet', 'only show image IDs')
    .option('--no-trunc', 'do not truncate output')
    .addOption(formatOption())
    .action(guard(async (ref: string, opts: { quiet?: boolean; trunc?: boolean; format: string }, cmd: Command) => {
      const { imageHistory } = await import('../../project/image/local-actions.js');
      imageHistory(globalsOf(cmd).root, ref, { quiet: opts.quiet, noTrunc: opts.trunc === false, format: opts.format });
    }));

  image.command('prune').description('remove unused images: dangling ones, or all unused with --all')
    .option('-a, --all', 'remove every image no container uses')
    .option('-f, --force', 'do not prompt (berth never prompts)')
    .addOption(formatOption())
    .action(guard(async (opts: { all?: boolean; format: string }, cmd: Command) => {
      const { pruneImages } = await import('../../project/image/local-actions.js');
      const g = globalsOf(cmd);
      await pruneImages(g.root, Boolean(opts.all), opts.format, g.dryRun);
    }));

  image.command('load').description('load images from a docker-archive or OCI layout tarball')
    .option('-i, --input <file>', 'read from this file instead of stdin')
    .option('-q, --quiet', 'print nothing but errors')
    .action(guard(async (opts: { input?: string; quiet?: boolean }, cmd: Command) => {
      const { loadCommand } = await import('../../project/image/archive-actions.js');
      await loadCommand(globalsOf(cmd).root, opts);
    }));

  image.command('save').description('save images to a tarball (docker-archive or OCI layout)')
    .argument('<ref...>', 'images')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addOption(new Option('--format <format>', 'archive format').choices(['docker-archive', 'oci-archive']).default('docker-archive'))
    .action(guard(async (refs: string[], opts: { output?: string; format: string }, cmd: Command) => {
      const { saveCommand } = await import('../../project/image/archive-actions.js');
      await saveCommand(globalsOf(cmd).root, refs, opts);
    }));

  image.command('build').description('build an image from a Dockerfile')
    .argument('<context>', 'the build context directory, or - to read a Dockerfile from stdin with no context')
    .option('-t, --tag <name>', 'name:tag for the image (repeatable)', collect)
    .option('-f, --file <path>', 'the Dockerfile (default CONTEXT/Dockerfile; - reads it from stdin)')
    .option('--target <stage>', 'build this stage')
    .option('--build-arg <key=value>', 'set a build argument (repeatable)', collect)
    .option('--label <key=value>', 'set a label on the image (repeatable)', collect)
    .option('--no-cache', 'do not use the build cache')
    .option('--pull', 'always pull the base images again')
    .option('--network <mode>', 'network of the RUN steps: default, none or host')
    .option('-q, --quiet', 'print only the image ID')
    .action(guard(async (context: string, opts: ImageBuildFlags, cmd: Command) => {
      const { imageBuild } = await import('../build/image-build.js');
      await imageBuild(globalsOf(cmd), context, opts);
    }));

  addSearch(image);

  image.command('import').description('create an image from a root filesystem tarball or directory')
    .argument('<source>', 'tarball (plain or gzip), directory, or - for stdin')
    .argument('[ref]', 'name:tag for the new image')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, STOPSIGNAL, VOLUME (repeatable)', collect)
    .option('-m, --message <text>', 'commit message for the history')
    .option('--platform <os/arch>', 'platform recorded in the image (default: the host)')
    .action(guard(async (source: string, ref: string | undefined, opts: { change?: string[]; message?: string; platform?: string }, cmd: Command) => {
      const { importImage } = await import('../../project/image/local-actions.js');
      await importImage(globalsOf(cmd).root, source, ref, opts);
    }));
}
