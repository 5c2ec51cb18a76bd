// `berth events`: Compose's text and --json formats over the project's
// events, or a Go template over docker's event message (--format).
import { UsageError } from '../../errors.js';
import { projectEvents, type ContainerEvent } from '../../project/events.js';
import type { GlobalOptions } from '../globals.js';
import { projectScope } from '../project-scope.js';
import { isTemplate, parseGoTemplate, type GoTemplate } from './go-template.js';
import { interruptSignal } from './flags.js';
import { exitOnBrokenPipe, writeOut } from '../output.js';

const two = (n: number) => String(n).padStart(2, '0');

/** "2006-01-02 15:04:05.000000" in local time, as Compose prints it. */
export function eventTime(d: Date): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}000`;
}

export function formatEvent(e: ContainerEvent, json: boolean): string {
  if (json) return JSON.stringify({ time: e.time.toISOString(), type: e.type, service: e.service, id: e.id, action: e.action, attributes: e.attributes }) + '\n';
  const attrs = Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(', ');
  return `${eventTime(e.time)} ${e.type} ${e.action} ${e.id}${attrs ? ` (${attrs})` : ''}\n`;
}

/** docker's events message (its `{{json .}}` shape): what a --format template reads. */
export function dockerMessage(e: ContainerEvent): Record<string, unknown> {
  const ms = e.time.getTime();
  return {
    ...(e.type === 'container' ? { status: e.action, id: e.id, from: e.attributes.image ?? '' } : {}),
    Type: e.type, Action: e.action, Actor: { ID: e.id, Attributes: e.attributes }, scope: 'local',
    time: Math.floor(ms / 1000), timeNano: ms * 1_000_000,
  };
}

const FIELDS = ['Type', 'Action', 'Actor', 'Scope', 'Time', 'TimeNano', 'ID', 'Status', 'From', 'Service'];

/** The template's fields (docker's names; Time and TimeNano as numbers, Service berth's extra). */
function renderWith(t: GoTemplate, e: ContainerEvent): string {
  const m = dockerMessage(e);
  const fields: Record<string, unknown> = {
    Type: m.Type, Action: m.Action, Actor: m.Actor, Scope: 'local', Time: m.time, TimeNano: m.timeNano,
    ID: e.type === 'container' ? e.id : '', Status: e.type === 'container' ? e.action : '', From: m.from ?? '', Service: e.service,
  };
  // `.` is docker's message; `{{json .}}` prints it as docker does.
  return t.render({ ...fields, toJSON: () => m }) + '\n';
}

export async function runEvents(g: GlobalOptions, services: string[], o: { json?: boolean; format?: string; filter?: string[]; since?: string; until?: string }): Promise<void> {
  exitOnBrokenPipe();
  const format = o.format ?? (o.json ? 'json' : undefined);
  if (format !== undefined && format !== 'json' && !isTemplate(format)) throw new UsageError(`invalid --format "${format}": json or a Go template such as "{{.Action}} {{.Actor.Attributes.name}}"`);
  const template = format && format !== 'json' ? parseGoTemplate(format) : undefined;
  // Fields are checked before anything is watched: a typo is an error now, not at the first event.
  // Fields are checked before anything is watched (a typo is an error now, not at the first event):
  // the template runs once over an empty message whose top level knows only docker's fields.
  if (template) {
    const empty: Record<string, unknown> = { Actor: { ID: '', Attributes: {} } };
    template.render(new Proxy(empty, {
      get: (t, n) => {
        if (typeof n === 'string' && /^[A-Z]/.test(n) && !FIELDS.includes(n)) throw new UsageError(`invalid --format "${format}": no field ${n} (fields: ${FIELDS.join(', ')})`);
        return t[n as string];
      },
    }));
  }
  const scope = await projectScope(g, services);
  await projectEvents({
    root: g.root, project: scope.name, services, signal: interruptSignal(), since: o.since, until: o.until, filters: o.filter,
    onEvent: (e) => void writeOut(template ? renderWith(template, e) : formatEvent(e, format === 'json')),
  });
}
