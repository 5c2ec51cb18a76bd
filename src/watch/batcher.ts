// Debounces file events into batches: a batch is handed over once no event
// came for `quietMs`, or `maxWaitMs` after its first event (a long burst
// such as a branch checkout is processed in slices instead of waiting for
// silence). A path seen twice is in the batch once: the handler looks at
// the file when it runs, so it copies the last content once. Batches run
// one at a time; events that arrive meanwhile form the next one.
export interface BatcherOptions {
  quietMs?: number;
  maxWaitMs?: number;
}

export class Batcher {
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private firstAt = 0;
  private running?: Promise<void>;
  private closed = false;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly handle: (paths: string[]) => Promise<void>, o: BatcherOptions = {}) {
    this.quietMs = o.quietMs ?? 15;
    this.maxWaitMs = o.maxWaitMs ?? 250;
  }

  push(path: string): void {
    if (this.closed) return;
    if (this.pending.size === 0) this.firstAt = Date.now();
    this.pending.add(path);
    this.schedule();
  }

  private schedule(): void {
    if (this.running) return; // the end of the running batch schedules the next one
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - Date.now()));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    if (this.pending.size === 0 || this.closed) return;
    const batch = [...this.pending];
    this.pending = new Set();
    this.running = this.handle(batch).finally(() => {
      this.running = undefined;
      if (this.pending.size) this.schedule();
    });
  }

  /** Resolves once nothing is pending or running. */
  async idle(): Promise<void> {
    while (this.running || this.timer) await (this.running ?? new Promise((r) => setTimeout(r, this.quietMs)));
  }

  /** Drops what is pending and waits for the running batch. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    await this.running;
  }
}
