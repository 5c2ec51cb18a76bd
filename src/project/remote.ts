// logs and exec of a cluster project from any node: the services placed on
// this node are read here, those of other nodes are asked of their agents
// through etcd (src/cluster/requests.ts, served by remote-serve.ts). A
// project that is not a cluster project is read here only, as before.
import type { Project } from '../compose/model.js';
import { callNode } from '../cluster/requests.js';
import { readClusterProject } from '../cluster/projects.js';
import { UsageError } from '../errors.js';
import { parseTimeArg } from '../logs/time.js';
import { compareText } from '../text-order.js';
import { clusterHolding, type Membership } from './cluster.js';
import { projectLogLines, type LogsOptions } from './logs.js';
import type { ExecItem, LogItem, RemoteExecArgs, RemoteLogsArgs } from './remote-serve.js';

/** The cluster and the node of each service asked (all when none), when `name` is a cluster project. */
async function placementOf(root: string | undefined, name: string, project: Project | undefined, services: string[] = []) {
  const m = await clusterHolding(root, name, project);
  if (!m) return undefined;
  const placement = (await readClusterProject(m, name))?.record.placement ?? {};
  const asked = services.length ? services : Object.keys(placement).sort(compareText);
  const byNode = new Map<string, string[]>();
  // A name the cluster does not know stays here: the local reading gives its error.
  for (const s of asked) {
    const node = placement[s] ?? m.node;
    byNode.set(node, [...(byNode.get(node) ?? []), s]);
  }
  return { m, byNode };
}

const byTime = (a: { time: string }, b: { time: string }) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0);

/** A log line as the printer needs it, from whichever node. */
interface NodeLogLine { name: string; stream: 'stdout' | 'stderr'; time: string; text: string }

export interface LogsEverywhereOptions extends Omit<LogsOptions, 'onContainer' | 'onLine'> {
  /** The project's model when the command was given its file. */
  model?: Project;
  onContainer?: (name: string) => void;
  onLine: (line: NodeLogLine) => void;
}

/**
 * `logs` of the whole project: every node's lines through the same callbacks
 * as a local `logs`; merged by time, or with `follow` as they come from each
 * node until the signal aborts.
 */
export async function logLinesEverywhere(o: LogsEverywhereOptions): Promise<void> {
  const where = await placementOf(o.root, o.project, o.model, o.services);
  const remote = [...(where?.byNode ?? [])].filter(([node]) => node !== where!.m.node);
  const here = { onContainer: (_c: unknown, name: string) => o.onContainer?.(name) };
  if (!where || !remote.length) return projectLogLines({ ...o, ...here });
  const now = new Date();
  // Times are fixed here, so that "10m" means the same instant on every node.
  const since = o.since ? parseTimeArg('--since', o.since, now) : undefined;
  const until = o.until ? parseTimeArg('--until', o.until, now) : undefined;
  if (o.index !== undefined && o.services?.length !== 1) throw new UsageError('--index needs exactly one service');
  const held: NodeLogLine[] = [];
  const line = o.follow ? (l: NodeLogLine) => o.onLine(l) : (l: NodeLogLine) => void held.push(l);
  const stop = new AbortController();
  o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const local = where.byNode.get(where.m.node);
  const runs: Promise<unknown>[] = remote.map(([node, services]) => {
    const args: RemoteLogsArgs = { project: o.project, services, index: o.index, tail: o.tail, since, until, follow: o.follow };
    return callNode(where.m, node, 'logs', { ...args }, (items) => {
      for (const item of items as LogItem[]) {
        if ('c' in item) o.onContainer?.(item.c);
        else line({ name: item.l[0], stream: item.l[1], time: item.l[2], text: item.l[3] });
      }
      if (o.follow) o.onBatchEnd?.();
    }, { signal: stop.signal });
  });
  if (local) {
    runs.push(projectLogLines({
      ...o, ...here, services: local, since, until, signal: stop.signal,
      onLine: (l) => line(l), onBatchEnd: o.follow ? o.onBatchEnd : undefined,
    }));
  }
  try {
    await Promise.all(runs);
  } catch (e) {
    stop.abort();
    await Promise.allSettled(runs);
    throw e;
  }
  if (!o.follow) {
    // Each node's lines come in time order; the stable sort interleaves them as one host's logs would be.
    for (const l of held.sort(byTime)) o.onLine(l);
    o.onBatchEnd?.();
  }
}

/** The node that runs `service` of a cluster project, when it is not this one. */
export async function serviceNodeElsewhere(root: string | undefined, name: string, model: Project | undefined, service: string):
  Promise<{ m: Membership; node: string } | undefined> {
  const where = await placementOf(root, name, model, [service]);
  const node = where && [...where.byNode.keys()][0];
  return where && node && node !== where.m.node ? { m: where.m, node } : undefined;
}

/** `exec` without a terminal in a service of another node: its output through `onOutput`, its exit code. */
export function execOnNode(at: { m: Membership; node: string }, args: RemoteExecArgs,
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void, signal?: AbortSignal): Promise<number> {
  return callNode(at.m, at.node, 'exec', { ...args }, (items) => {
    for (const item of items as ExecItem[]) onOutput(item.s, Buffer.from(item.d, 'base64'));
  }, { signal });
}
