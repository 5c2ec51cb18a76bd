import type { Command } from 'commander';
import { BerthError, UsageError } from '../../errors.js';
import { confirmed } from '../confirm.js';
import { globalsOf, type GlobalOptions } from '../globals.js';
import { writeOut } from '../output.js';

// `berth system prune|reset`: clean-up across the state root's projects
// (the behaviour is src/project/system.ts; this file asks and prints).

/** The warning and question before a prune or reset. */
function confirmedRemoval(lines: string[], force?: boolean): Promise<boolean> {
  return confirmed(`WARNING! This will remove:\n${lines.map((l) => `  - ${l}\n`).join('')}\n`, force);
}

async function run(g: GlobalOptions, verb: 'prune' | 'reset', o: { all?: boolean; volumes?: boolean }): Promise<void> {
  if (g.dryRun) throw new UsageError(`system ${verb}: --dry-run is not supported (docker system df-style listing is not there yet)`);
  const [system, { reporterFor }, { pathsAt }, { humanSize }] = await Promise.all([
    import('../../project/system.js'), import('../progress.js'), import('../../project/state-root.js'), import('../../project/volume.js'),
  ]);
  const paths = pathsAt(g.root);
  const reporter = await reporterFor({ ...g, progress: g.progress === 'auto' ? 'quiet' : g.progress });
  const r = verb === 'prune' ? await system.systemPrune(paths, { ...o, reporter }) : await system.systemReset(paths, { reporter });
  const out: string[] = [];
  const section = (title: string, items: string[]) => { if (items.length) out.push(`${title}:\n${items.map((i) => `${i}\n`).join('')}`); };
  section('Deleted Containers', r.containers);
  section('Deleted Networks', r.networks);
  section('Deleted Volumes', r.volumes);
  section('Deleted Images', r.images.map((i) => `deleted: ${i}`));
  if (r.table) section('Deleted nftables table', [r.table]);
  writeOut(`${out.join('\n')}${out.length ? '\n' : ''}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
}

export function registerSystem(program: Command): void {
  const system = program.command('system').description('manage berth across projects (clean-up)');
  system.command('prune').description('remove stopped containers, unused networks, dangling images (and unused anonymous volumes)')
    .option('-a, --all', 'remove all unused images, not just dangling ones')
    .option('--volumes', 'prune anonymous volumes')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async (o: { all?: boolean; volumes?: boolean; force?: boolean }, cmd: Command) => {
      const what = ['all stopped containers', 'all networks not used by at least one container'];
      if (o.volumes) what.push('all anonymous volumes not used by at least one container');
      what.push(o.all ? 'all images without at least one container associated to them' : 'all dangling images');
      if (!(await confirmedRemoval(what, o.force))) throw new BerthError('system prune: not confirmed (use -f/--force to skip the prompt)');
      await run(globalsOf(cmd), 'prune', o);
    });
  system.command('reset').description('stop and remove every container, network and volume of the state root, and berth\'s nftables table')
    .option('-f, --force', 'do not prompt for confirmation')
    .action(async (o: { force?: boolean }, cmd: Command) => {
      const what = ['every container, running or not (each project as `down -v --remove-orphans`)', 'every network and volume', 'berth\'s nftables table'];
      if (!(await confirmedRemoval(what, o.force))) throw new BerthError('system reset: not confirmed (use -f/--force to skip the prompt)');
      await run(globalsOf(cmd), 'reset', {});
    });
}
