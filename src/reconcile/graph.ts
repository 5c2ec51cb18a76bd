// The service dependency graph: cycle detection, a stable topological order
// (dependencies first; ties broken by name so plans are reproducible), the
// reverse order for down, and the closure of a selection.
import { BerthError } from '../errors.js';

export interface GraphNode {
  name: string;
  /** Names of the services this one depends on. */
  deps: string[];
}

export class ServiceGraph {
  private readonly deps = new Map<string, string[]>();
  private readonly dependents = new Map<string, string[]>();

  constructor(nodes: GraphNode[]) {
    for (const n of nodes) {
      this.deps.set(n.name, [...new Set(n.deps)].sort());
      if (!this.dependents.has(n.name)) this.dependents.set(n.name, []);
    }
    for (const n of nodes) {
      for (const d of new Set(n.deps)) {
        if (!this.deps.has(d)) continue; // undefined dependencies are the caller's to report
        this.dependents.get(d)!.push(n.name);
      }
    }
    for (const list of this.dependents.values()) list.sort();
  }

  has(name: string): boolean { return this.deps.has(name); }
  names(): string[] { return [...this.deps.keys()].sort(); }
  /** Direct dependencies that are nodes of the graph. */
  dependenciesOf(name: string): string[] { return (this.deps.get(name) ?? []).filter((d) => this.deps.has(d)); }
  dependentsOf(name: string): string[] { return this.dependents.get(name) ?? []; }

  /** Throws naming the cycle, e.g. "dependency cycle between services: a -> b -> a". */
  assertAcyclic(): void {
    const state = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
    const stack: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      stack.push(n);
      for (const d of this.dependenciesOf(n)) {
        const s = state.get(d);
        if (s === 1) {
          const cycle = [...stack.slice(stack.indexOf(d)), d];
          throw new BerthError(`dependency cycle between services: ${cycle.join(' -> ')}`);
        }
        if (s === undefined) visit(d);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const n of this.names()) if (!state.has(n)) visit(n);
  }

  /**
   * Dependencies before dependents; among services that are ready at the same
   * time, alphabetical. Restricted to `subset` when given.
   */
  order(subset?: Iterable<string>): string[] {
    this.assertAcyclic();
    const include = new Set(subset ?? this.names());
    const out: string[] = [];
    const done = new Set<string>();
    const remaining = [...include].filter((n) => this.deps.has(n)).sort();
    while (remaining.length > 0) {
      const i = remaining.findIndex((n) => this.dependenciesOf(n).every((d) => done.has(d) || !include.has(d)));
      const [n] = remaining.splice(i, 1);
      out.push(n);
      done.add(n);
    }
    return out;
  }

  /** Dependents before their dependencies: the order of stop and down. */
  reverseOrder(subset?: Iterable<string>): string[] {
    return this.order(subset).reverse();
  }

  /** The selection plus everything it depends on, transitively (unknown names are ignored). */
  closure(selected: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const walk = (n: string): void => {
      if (out.has(n) || !this.deps.has(n)) return;
      out.add(n);
      for (const d of this.dependenciesOf(n)) walk(d);
    };
    for (const s of selected) walk(s);
    return out;
  }

  /** Everything that depends on the selection, transitively (the selection included). */
  dependentClosure(selected: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const walk = (n: string): void => {
      if (out.has(n) || !this.deps.has(n)) return;
      out.add(n);
      for (const d of this.dependentsOf(n)) walk(d);
    };
    for (const s of selected) walk(s);
    return out;
  }
}
