// Progress of pulls and pushes: a redrawn block of per-layer bars on a TTY,
// one line per status change otherwise, JSON lines with --progress json.
// Like `docker pull`, progress goes to stdout: stderr carries only the error.
import type { ProgressEvent, ProgressSink } from '../../project/image/remote-actions.js';
import type { GlobalOptions } from '../globals.js';
import { humanSize } from '../../project/image/format.js';

const LABEL: Record<ProgressEvent['status'], string> = {
  resolving: 'Resolving', waiting: 'Waiting', exists: 'Already exists', downloading: 'Downloading', downloaded: 'Download complete',
  extracting: 'Extracting', done: 'Pull complete', pushing: 'Pushing', pushed: 'Pushed', mounted: 'Mounted from another repository',
};

function bar(current = 0, total = 0): string {
  if (!total) return '';
  const width = 30;
  const filled = Math.min(width, Math.floor((current / total) * width));
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}] ${humanSize(current)}/${humanSize(total)}`;
}

export function progressSink(g: GlobalOptions, quiet = false, out: NodeJS.WriteStream = process.stdout): ProgressSink {
  const mode = quiet ? 'quiet' : g.progress === 'auto' ? (out.isTTY ? 'tty' : 'plain') : g.progress;
  if (mode === 'quiet') return Object.assign(() => {}, { end: () => {} });
  if (mode === 'json') return Object.assign((e: ProgressEvent) => { out.write(JSON.stringify(e) + '\n'); }, { end: () => {} });
  if (mode === 'plain') {
    const last = new Map<string, string>();
    return Object.assign((e: ProgressEvent) => {
      if (last.get(e.id) === e.status) return;
      last.set(e.id, e.status);
      out.write(`${e.id}: ${LABEL[e.status]}${e.total && (e.status === 'downloading' || e.status === 'pushing') ? ` (${humanSize(e.total)})` : ''}\n`);
    }, { end: () => {} });
  }
  const order: string[] = [];
  const lines = new Map<string, string>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    if (drawn) out.write(`\x1b[${drawn}A`);
    for (const id of order) out.write(`\x1b[2K${lines.get(id)}\n`);
    drawn = order.length;
  };
  return Object.assign((e: ProgressEvent) => {
    if (!lines.has(e.id)) order.push(e.id);
    lines.set(e.id, `${e.id}: ${LABEL[e.status].padEnd(18)} ${e.status === 'downloading' ? bar(e.current, e.total) : ''}`);
    timer ??= setTimeout(draw, 100);
  }, { end: () => { if (timer) { clearTimeout(timer); draw(); } } });
}
