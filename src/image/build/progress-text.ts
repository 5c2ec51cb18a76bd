// Build progress as docker's plain mode prints it: `#N [stage k/n] INSTR`,
// the step's output line by line prefixed with `#N`, then `#N CACHED`,
// `#N DONE 0.4s` or `#N ERROR: ...`. Output chunks are cut into lines per step.
import type { BuildEvent } from './types.js';

export class BuildEventFormatter {
  private readonly partial = new Map<number, string>();

  /** The lines (without newlines) an event prints. */
  lines(e: BuildEvent): string[] {
    switch (e.type) {
      case 'step': {
        const where = e.stage ? `${e.stage} ${e.index}/${e.total}` : `${e.index}/${e.total}`;
        return [`#${e.n} [${where}] ${e.text.split('\n')[0]}`];
      }
      case 'cached': return [`#${e.n} CACHED`];
      case 'output': {
        const text = (this.partial.get(e.n) ?? '') + e.text;
        const parts = text.split('\n');
        this.partial.set(e.n, parts.pop()!);
        return parts.map((l) => `#${e.n} ${l.replace(/\r$/, '')}`);
      }
      case 'done': return [...this.flush(e.n), `#${e.n} DONE ${(e.ms / 1000).toFixed(1)}s`];
      case 'error': return [...this.flush(e.n), `#${e.n} ERROR: ${e.message}`];
      case 'image': return [`writing image ${e.id}${e.tags.length ? ` (${e.tags.join(', ')})` : ''} ${(e.ms / 1000).toFixed(1)}s`];
    }
  }

  private flush(n: number): string[] {
    const rest = this.partial.get(n);
    this.partial.delete(n);
    return rest ? [`#${n} ${rest}`] : [];
  }
}
