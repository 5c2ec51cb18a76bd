import type { Command } from 'commander';
import { globalsOf } from '../globals.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

// `berth events [SERVICE...]`: the project's container, network and volume events.
export function registerEvents(program: Command): void {
  program.command('events')
    .description('receive real time events from containers, networks and volumes of the project')
    .argument('[services...]', 'only these services')
    .option('--json', 'output events as a stream of JSON objects')
    .option('--format <format>', 'json, or a Go template over docker\'s event ({{.Action}}, {{.Actor.Attributes.name}}, {{json .}})')
    .option('-f, --filter <key=value>', 'type, event, container, image, label, network, volume or service (repeatable)', collect)
    .option('--since <time>', 'show events since a timestamp (2026-11-23T10:00:00Z), Unix seconds or a duration back from now (10m)')
    .option('--until <time>', 'stream events until this timestamp, Unix seconds or duration back from now')
    .action(async (services: string[], o: { json?: boolean; format?: string; filter?: string[]; since?: string; until?: string }, cmd: Command) => {
      const { runEvents } = await import('../tools/events-run.js');
      await runEvents(globalsOf(cmd), services, o);
    });
}
