// The serving side of logs and exec asked by another node (src/cluster/requests.ts
// carries them through etcd): the same project service code as a local
// command, its output sent back as items. Log items: {c: name} before a
// container's first line, {l: [name, stream, time, text]} per line; exec
// items: {s: stream, d: base64}, at most EXEC_PIECE bytes of output each.
import type { RemoteRequest, Serve } from '../cluster/requests.js';
import { BerthError } from '../errors.js';
import type { StatePaths } from '../state/paths.js';
import { execInServiceTo, type ExecOptions } from './exec.js';
import { projectLogLines, type LogsOptions } from './logs.js';

const EXEC_PIECE = 16 * 1024;

export type LogItem = { c: string } | { l: [string, 'stdout' | 'stderr', string, string] };
export interface ExecItem { s: 'stdout' | 'stderr'; d: string }

/** The options a requester may send for logs; the rest (root, callbacks) are this node's. */
export type RemoteLogsArgs = Pick<LogsOptions, 'project' | 'services' | 'index' | 'tail' | 'since' | 'until' | 'follow'>;
export type RemoteExecArgs = Pick<ExecOptions, 'project' | 'service' | 'index' | 'argv' | 'env' | 'user' | 'workdir' | 'privileged' | 'detach'>;

export function serveRequests(paths: StatePaths): Serve {
  return async (req: RemoteRequest, emit, signal) => {
    if (req.verb === 'logs') {
      const a = req.args as unknown as RemoteLogsArgs;
      await projectLogLines({
        root: paths.root, project: a.project, services: a.services, index: a.index, tail: a.tail, since: a.since, until: a.until,
        follow: !!a.follow, signal,
        onContainer: (_c, name) => emit({ c: name } satisfies LogItem),
        onLine: (l) => emit({ l: [l.name, l.stream, l.time, l.text] } satisfies LogItem),
      });
      return 0;
    }
    if (req.verb === 'exec') {
      const a = req.args as unknown as RemoteExecArgs;
      return execInServiceTo({ ...a, root: paths.root, tty: false }, (s, data) => {
        for (let i = 0; i < data.length; i += EXEC_PIECE) emit({ s, d: data.subarray(i, i + EXEC_PIECE).toString('base64') } satisfies ExecItem);
      }, signal);
    }
    throw new BerthError(`node cannot serve "${req.verb}"`);
  };
}
