// Progress of a running plan: listr2 on a terminal (one row per network,
// volume, image, container or awaited service, with its state and elapsed
// time, as docker compose shows), one line per event with `plain` (the
// default when stderr is not a terminal), JSON lines with `json`, nothing
// with `quiet`. Progress goes to stderr, as in docker compose.
import { formatPlan, planToJson, type Plan, type ProgressEvent, type Reporter } from '../project/run.js';
import type { GlobalOptions } from './globals.js';
import { isTerminal, writeErr, writeOut } from './output.js';

const STARTING = new Set(['Creating', 'Recreate', 'Starting', 'Stopping', 'Removing', 'Pulling', 'Building', 'Killing', 'Pausing', 'Unpausing', 'Restarting', 'Waiting']);

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function progressKind(g: GlobalOptions): 'tty' | 'plain' | 'quiet' | 'json' {
  if (g.progress !== 'auto') return g.progress;
  if (g.ansi === 'never') return 'plain';
  return isTerminal(2) && process.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

function printPlan(plan: Plan): void {
  writeOut(formatPlan(plan));
}

function unchangedLines(plan: Plan): string[] {
  return plan.unchanged.map((u) => `${u.resource} ${u.name}  ${u.state}`);
}

function plainReporter(): Reporter {
  return {
    plan: printPlan,
    start(plan) { for (const l of unchangedLines(plan)) writeErr(` ${l}\n`); },
    event(e: ProgressEvent) {
      const t = STARTING.has(e.status) ? '' : `  ${secs(e.elapsed)}`;
      writeErr(` ${e.resource} ${e.id}  ${e.status}${e.message && !STARTING.has(e.status) ? `  ${e.message}` : ''}${t}\n`);
    },
    warn(m) { writeErr(`warning: ${m}\n`); },
  };
}

function jsonReporter(): Reporter {
  return {
    plan(plan) { writeOut(JSON.stringify(planToJson(plan)) + '\n'); },
    start(plan) { for (const u of plan.unchanged) writeErr(JSON.stringify({ resource: u.resource, id: u.name, status: u.state }) + '\n'); },
    event(e) { writeErr(JSON.stringify({ ...e, time: new Date().toISOString() }) + '\n'); },
    warn(m) { writeErr(JSON.stringify({ level: 'warning', message: m }) + '\n'); },
  };
}

function quietReporter(): Reporter {
  return { plan: printPlan, warn(m) { writeErr(`warning: ${m}\n`); } };
}

interface Row {
  title: string;
  open: Set<number>;
  done?: () => void;
  fail?: (e: Error) => void;
  setTitle?: (t: string) => void;
  error?: string;
}

/** listr2: one concurrent task per resource row; each row ends when its last action has. */
async function ttyReporter(): Promise<Reporter> {
  const { Listr } = await import('listr2');
  let rows = new Map<string, Row>();
  let running: Promise<unknown> | undefined;
  return {
    plan: printPlan,
    warn(m) { writeErr(`warning: ${m}\n`); },
    start(plan) {
      rows = new Map();
      for (const l of unchangedLines(plan)) rows.set(l, { title: `${l}`, open: new Set() });
      for (const a of plan.actions) {
        const key = `${a.resource} ${a.name}`;
        const row = rows.get(key) ?? { title: key, open: new Set<number>() };
        row.open.add(a.id);
        rows.set(key, row);
      }
      if (rows.size === 0) return;
      const list = new Listr([...rows.values()].map((row) => ({
        title: row.title,
        task: (_: unknown, task: { title: string }) => new Promise<void>((resolve, reject) => {
          row.setTitle = (t) => { task.title = t; };
          row.done = resolve;
          row.fail = reject;
          if (row.open.size === 0) resolve();
        }),
      })), { concurrent: true, exitOnError: false, renderer: 'default', rendererOptions: { collapseErrors: false, showErrorMessage: true }, registerSignalListeners: false });
      running = list.run().catch(() => undefined);
    },
    event(e) {
      const row = rows.get(`${e.resource} ${e.id}`);
      if (!row) return;
      row.setTitle?.(`${e.resource} ${e.id}  ${e.status}${STARTING.has(e.status) ? '' : `  ${secs(e.elapsed)}`}`);
      if (STARTING.has(e.status)) return;
      row.open.delete(e.actionId);
      if (e.status === 'Error' || e.status === 'Skipped') row.error ??= e.message ?? e.status;
      if (row.open.size === 0) {
        if (row.error) row.fail?.(new Error(row.error));
        else row.done?.();
      }
    },
    async end() {
      for (const row of rows.values()) { if (row.error) row.fail?.(new Error(row.error)); else row.done?.(); }
      await running;
    },
  } as Reporter;
}

export async function reporterFor(g: GlobalOptions): Promise<Reporter> {
  switch (progressKind(g)) {
    case 'json': return jsonReporter();
    case 'quiet': return quietReporter();
    case 'tty': return ttyReporter();
    default: return plainReporter();
  }
}
