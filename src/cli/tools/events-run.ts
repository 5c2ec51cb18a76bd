// `berth events`: Compose's text and --json formats over the project's events.
import { projectEvents, type ContainerEvent } from '../../project/events.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { interruptSignal, exitOnBrokenPipe } from './flags.js';

const two = (n: number) => String(n).padStart(2, '0');

/** "2006-01-02 15:04:05.000000" in local time, as Compose prints it. */
export function eventTime(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}000`;
}

export function formatEvent(e: ContainerEvent, json: boolean): string {
  if (json) return JSON.stringify({ time: e.time.toISOString(), type: e.type, service: e.service, id: e.id, action: e.action, attributes: e.attributes }) + '\n';
  const attrs = Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${eventTime(e.time)} container ${e.action} ${e.id}${attrs ? ` (${attrs})` : ''}\n`;
}

export async function runEvents(g: GlobalOptions, services: string[], o: { json?: boolean }): Promise<void> {
  exitOnBrokenPipe();
  const scope = await projectScope(g, services);
  await projectEvents({
    root: g.root, project: scope.name, services, signal: interruptSignal(),
    onEvent: (e) => void process.stdout.write(formatEvent(e, !!o.json)),
  });
}
