// Implementations behind `berth node …`: flags → options → one call into src/cluster.
import { config } from '../../config.js';
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { pathsAt } from '../../project/state-root.js';
import { ensureAgent, joinCluster, leaveCluster, listNodes } from '../../cluster/nodes.js';
import { runNodeAgent } from '../../project/node-agent.js';
import { writeOut } from '../output.js';

const out = (s: string) => writeOut(s.endsWith('\n') ? s : `${s}\n`);

function labels(list: string[] | undefined): Record<string, string> {
  const o: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--label must be key=value: '${kv}'`);
    o[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return o;
}

export async function join(g: GlobalOptions, o: { store: string; advertiseAddr: string; name?: string; label?: string[] }): Promise<void> {
  const { clusterPrefix, nodeTtl } = config();
  const m = await joinCluster(pathsAt(g.root), { store: o.store, advertiseAddr: o.advertiseAddr, name: o.name, labels: labels(o.label), prefix: clusterPrefix, ttl: nodeTtl });
  out(`node ${m.node} joined the cluster at ${m.store.join(',')}`);
}

export async function leave(g: GlobalOptions): Promise<void> {
  const m = await leaveCluster(pathsAt(g.root));
  out(`node ${m.node} left the cluster`);
}

export async function ls(g: GlobalOptions, o: { format: string }): Promise<void> {
  const paths = pathsAt(g.root);
  await ensureAgent(paths);  // a node listing its cluster also brings its own agent back after a reboot
  const nodes = await listNodes(paths);
  if (o.format === 'json') { for (const n of nodes) out(JSON.stringify(n)); return; }
  const rows = [['NAME', 'ADDRESS', 'STATUS', 'ENDPOINTS', 'LABELS'],
    ...nodes.map((n) => [`${n.name}${n.self ? ' *' : ''}`, n.address, n.status, String(n.endpoints), Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',')])];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  out(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 3))).join('').trimEnd()).join('\n'));
}

export async function agent(g: GlobalOptions): Promise<void> {
  await runNodeAgent(g.root);
}
