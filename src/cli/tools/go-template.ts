// Go templates as docker's --format takes them (`{{.State.Status}}`,
// `{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}`,
// `{{json .Config.Labels}}`, `{{.Label "key"}}`, `{{join .Args " "}}` …):
// the text/template language (see go-template-parse.ts) over plain objects,
// docker's functions (go-template-funcs.ts), literal `\t` and `\n`, and a
// leading `table ` for a header row and aligned columns (docker's tabwriter:
// cells at least 10 wide, 3 spaces of padding).
import { BerthError, UsageError } from '../../errors.js';
import { FUNCS, goString, isGoMap, truth } from './go-template-funcs.js';
import { parseTree, type Node, type Operand, type Pipe } from './go-template-parse.js';

export { goMap, goString } from './go-template-funcs.js';

export interface GoTemplate {
  table: boolean;
  /** The template run on one value (`.`); object properties that are functions are methods (`.Label "k"`). */
  render(data: unknown): string;
  /** The header row of a `table` template: each field of `.` printed as its header. */
  header(headers: (field: string) => string): string;
}

/** True when `format` is a template rather than one of the named formats. */
export const isTemplate = (format: string): boolean => format.includes('{{');

class Exec {
  private vars: Array<[string, unknown]>;
  constructor(private readonly root: unknown) { this.vars = [['$', root]]; }

  nodes(list: Node[], dot: unknown): string {
    let out = '';
    for (const n of list) out += this.node(n, dot);
    return out;
  }

  private scoped(fn: () => string): string {
    const mark = this.vars.length;
    try { return fn(); } finally { this.vars.length = mark; }
  }

  private node(n: Node, dot: unknown): string {
    if (n.k === 'text') return n.text;
    if (n.k === 'action') {
      const v = this.pipe(n.pipe, dot);
      return n.pipe.decl.length ? '' : goString(v);
    }
    if (n.k === 'if' || n.k === 'with') {
      return this.scoped(() => {
        const v = this.pipe(n.pipe, dot);
        if (truth(v)) return this.nodes(n.body, n.k === 'with' ? v : dot);
        return this.nodes(n.orElse, dot);
      });
    }
    const r = n;
    return this.scoped(() => this.range(r as Extract<Node, { k: 'range' }>, dot));
  }

  private range(n: Extract<Node, { k: 'range' }>, dot: unknown): string {
    const v = this.pipe({ ...n.pipe, decl: [] }, dot);
    let items: Array<[unknown, unknown]>;
    if (Array.isArray(v)) items = v.map((x, i) => [i, x]);
    else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      if (isGoMap(v)) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      items = keys.map((k) => [k, (v as Record<string, unknown>)[k]]);
    } else if (typeof v === 'number') items = Array.from({ length: v }, (_x, i) => [i, i]);
    else if (v === undefined || v === null) items = [];
    else throw new Error(`range can't iterate over ${goString(v)}`);
    if (items.length === 0) return this.nodes(n.orElse, dot);
    let out = '';
    const mark = this.vars.length;
    for (const [k, x] of items) {
      this.vars.length = mark;
      const d = n.pipe.decl;
      if (d.length === 1) this.vars.push([d[0]!, x]);
      else if (d.length === 2) this.vars.push([d[0]!, k], [d[1]!, x]);
      out += this.nodes(n.body, x);
    }
    return out;
  }

  private pipe(p: Pipe, dot: unknown): unknown {
    let v: unknown;
    let piped = false;
    for (const cmd of p.cmds) {
      v = this.command(cmd, dot, piped ? [v] : []);
      piped = true;
    }
    // `$x := …` (the newest binding of a name is the one read, so `=` is the same here).
    if (p.decl.length === 1) this.vars.push([p.decl[0]!, v]);
    return v;
  }

  private command(args: Operand[], dot: unknown, piped: unknown[]): unknown {
    const [head, ...rest] = args;
    if (head!.k === 'ident') {
      const fn = FUNCS[head!.name];
      if (!fn) throw new Error(`function "${head!.name}" not defined`);
      return fn(...rest.map((a) => this.operand(a, dot)), ...piped);
    }
    const extra = [...rest.map((a) => this.operand(a, dot)), ...piped];
    if (head!.k === 'field') return this.field(head!, dot, extra);
    if (extra.length) throw new Error(`can't give argument to non-function ${goString(this.operand(head!, dot))}`);
    return this.operand(head!, dot);
  }

  private field(f: Extract<Operand, { k: 'field' }>, dot: unknown, args: unknown[]): unknown {
    let v = this.operand(f.base, dot);
    f.chain.forEach((name, i) => {
      const last = i === f.chain.length - 1;
      if (v === undefined || v === null) { v = undefined; return; }
      if (typeof v !== 'object') throw new Error(`can't evaluate field ${name} in type ${typeof v}`);
      const prop = (v as Record<string, unknown>)[name];
      if (typeof prop === 'function') v = (prop as (...a: unknown[]) => unknown).apply(v, last ? args : []);
      else {
        if (last && args.length) throw new Error(`${name} is not a method but has arguments`);
        v = prop;
      }
    });
    return v;
  }

  private operand(o: Operand, dot: unknown): unknown {
    switch (o.k) {
      case 'dot': return dot;
      case 'lit': return o.v;
      case 'pipe': return this.pipe(o.pipe, dot);
      case 'field': return this.field(o, dot, []);
      case 'ident': {
        const fn = FUNCS[o.name];
        if (!fn) throw new Error(`function "${o.name}" not defined`);
        return fn();
      }
      case 'var': {
        for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]![0] === o.name) return this.vars[i]![1];
        throw new Error(`undefined variable: ${o.name}`);
      }
    }
  }
}

/** Checks that every function a template calls exists, before anything runs. */
function checkFunctions(nodes: Node[], format: string): void {
  const ops = (o: Operand): void => {
    if (o.k === 'ident' && !FUNCS[o.name]) throw new UsageError(`invalid --format "${format}": function "${o.name}" not defined`);
    if (o.k === 'pipe') pipe(o.pipe);
    if (o.k === 'field') ops(o.base);
  };
  const pipe = (p: Pipe) => p.cmds.forEach((c) => c.forEach(ops));
  for (const n of nodes) {
    if (n.k === 'action') pipe(n.pipe);
    else if (n.k !== 'text') { pipe(n.pipe); checkFunctions(n.body, format); checkFunctions(n.orElse, format); }
  }
}

export function parseGoTemplate(format: string): GoTemplate {
  const table = /^table(\s|$)/.test(format);
  const body = (table ? format.slice(5).trim() : format).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tree = parseTree(body, format);
  checkFunctions(tree, format);
  const run = (data: unknown) => {
    try {
      return new Exec(data).nodes(tree, data);
    } catch (e) {
      if (e instanceof BerthError) throw e;
      throw new BerthError(`template: executing "${format}": ${(e as Error).message}`);
    }
  };
  return {
    table,
    render: run,
    header: (h) => run(new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? () => h(name) : undefined) })),
  };
}

/** Lines of tab-separated cells aligned as docker's tabwriter does (min width 10, padding 3). */
export function alignTabs(lines: string[]): string {
  const cells = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const row of cells) row.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length + 3, 10); });
  return cells.map((row) => row.map((c, i) => (i < row.length - 1 ? c.padEnd(widths[i]!) : c)).join('').trimEnd()).join('\n') + '\n';
}
