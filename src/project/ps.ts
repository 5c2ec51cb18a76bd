// `ps` rows: each container of the project with Compose's State/Status/Health
// and published ports, read from the records and checked against the shim.
import { compareText } from '../text-order.js';
import { getEndpoint, NetworkStore } from '../network/store.js';
import { exposedPorts } from '../container/record.js';
import { serverState } from '../network/dns/manager.js';
import type { ContainerRecord } from '../container/record.js';
import type { ObservedStatus } from '../container/status.js';
import type { Engine } from './engine.js';
import { LABELS } from '../compose-labels.js';

interface Publisher { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }

export interface PsRow {
  ID: string;
  Name: string;
  Image: string;
  Command: string;
  Project: string;
  Service: string;
  Number: number;
  Created: number;
  State: string;
  Status: string;
  Health: string;
  ExitCode: number;
  Publishers: Publisher[];
  Labels: Record<string, string>;
}

/** A row with the times its STATUS was worked out from (what a cluster node publishes). */
export interface TimedPsRow extends PsRow { StartedAt?: string; FinishedAt?: string }

/** Docker's units.HumanDuration: "Less than a second", "1 second", "About a minute", "3 hours", "2 weeks"... */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  return humanDuration(Math.max(0, now - Date.parse(iso)));
}

/** Compose's STATUS text ("Up 3 minutes (healthy)", "Exited (0) 2 seconds ago") from a row's state and times. */
export function statusText(r: { State: string; Health: string; ExitCode: number; StartedAt?: string; FinishedAt?: string }, now = Date.now()): string {
  switch (r.State) {
    case 'running': return `Up ${ago(r.StartedAt, now)}${r.Health ? ` (${r.Health})` : ''}`;
    case 'paused': return `Up ${ago(r.StartedAt, now)} (Paused)`;
    case 'restarting': return `Restarting (${r.ExitCode}) ${ago(r.FinishedAt, now)} ago`;
    case 'exited': return `Exited (${r.ExitCode}) ${ago(r.FinishedAt, now)} ago`;
    case 'dead': return 'Dead';
    default: return 'Created';
  }
}

export function psRows(engine: Engine, project: string, now = Date.now()): PsRow[] {
  return timedPsRows(engine, project, now).map(untimed);
}

export function timedPsRows(engine: Engine, project: string, now = Date.now()): TimedPsRow[] {
  return engine.containers.list().filter(({ record }) => record.labels[LABELS.project] === project)
    .map(({ record, observed }) => rowOf(engine, record, observed, now))
    .sort((a, b) => compareText(a.Service, b.Service) || a.Number - b.Number || compareText(a.Name, b.Name));
}

/** Every container of the state root, Compose's and the engine's, newest first (as `docker ps` lists them). */
export function containerRows(engine: Engine, now = Date.now()): PsRow[] {
  const rows = engine.containers.list().map(({ record, observed }) => untimed(rowOf(engine, record, observed, now)));
  return rows.sort((a, b) => b.Created - a.Created || compareText(a.Name, b.Name));
}

const untimed = ({ StartedAt: _s, FinishedAt: _f, ...row }: TimedPsRow): PsRow => row;

function rowOf(engine: Engine, r: ContainerRecord, o: ObservedStatus, now: number): TimedPsRow {
  const st = o.state;
  const health = st?.health?.status ?? '';
  const status = statusText({ State: o.status, Health: health, ExitCode: st?.exitCode ?? 0, StartedAt: st?.startedAt ?? undefined, FinishedAt: st?.finishedAt ?? undefined }, now);
  let publishers: Publisher[] = [];
  // Like docker, a container that is not up publishes nothing (its ports are not bound).
  if (o.status === 'running' || o.status === 'paused') try {
    publishers = (getEndpoint(engine.paths, r.id)?.ports ?? []).map((p) => ({ URL: p.hostIp || '0.0.0.0', TargetPort: p.target, PublishedPort: p.hostPort, Protocol: p.protocol }));
  } catch { /* no endpoint */ }
  // Exposed ports nobody publishes are listed too ("80/tcp"), as docker lists them; not with the host's network.
  if ((o.status === 'running' || o.status === 'paused') && r.input.network.mode !== 'host') {
    const published = new Set(publishers.map((p) => `${p.TargetPort}/${p.Protocol}`));
    for (const e of exposedPorts(r)) {
      if (published.has(e)) continue;
      const [target, protocol] = e.split('/');
      publishers.push({ URL: '', TargetPort: Number(target), PublishedPort: 0, Protocol: protocol! });
    }
  }
  // init: true wraps the command in berth-init; show the service's own command, as docker does.
  const args = r.process.args[0] === '/sbin/berth-init' && r.process.args[1] === '--' ? r.process.args.slice(2) : r.process.args;
  return {
    ID: r.id, Name: r.name, Image: r.image.ref, Command: args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '),
    Project: r.labels[LABELS.project] ?? '', Service: r.labels[LABELS.service] ?? '', Number: Number(r.labels[LABELS.number] ?? 0),
    Created: Math.floor(Date.parse(r.created) / 1000), State: o.status, Status: status, Health: health,
    ExitCode: o.status === 'exited' ? st?.exitCode ?? 0 : 0, Publishers: publishers, Labels: r.labels,
    ...(st?.startedAt ? { StartedAt: st.startedAt } : {}), ...(st?.finishedAt ? { FinishedAt: st.finishedAt } : {}),
  };
}

/**
 * The DNS responder is down while this project has networks: names do not
 * resolve until `up`, `start` or `restart` starts it again. Said by `ps`.
 */
export function dnsDownWarning(engine: Engine, project: string): string | undefined {
  const nets = new NetworkStore(engine.paths).networks().filter((n) => n.labels[LABELS.project] === project);
  if (!nets.length || serverState(engine.paths)) return undefined;
  return 'the DNS responder is not running: container names do not resolve (berth up, start or restart starts it again)';
}
