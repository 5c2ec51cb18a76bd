// The shapes `berth convert` works with: a Kubernetes object as plain data,
// and the findings a conversion collects on its way.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Kubernetes manifest: apiVersion, kind, metadata and the kind's own fields. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ConvertOptions {
  /** metadata.namespace of every object (absent: the cluster's current namespace). */
  namespace?: string;
  /** Reads a secret's or config's file (the caller owns I/O). */
  readFile: (path: string) => Buffer;
  /** Reads an environment variable for `secrets: {environment: VAR}` (the project's environment first). */
  env?: Record<string, string | undefined>;
}

export interface ConvertResult {
  objects: K8sObject[];
  /** What has no Kubernetes equivalent and was left out, one line each ("service web: ..."). */
  dropped: string[];
  /** What was translated with a caveat the user should know, one line each. */
  warnings: string[];
}

/** Findings, collected while converting. */
export class Findings {
  readonly dropped: string[] = [];
  readonly warnings: string[] = [];
  drop(where: string, what: string): void { this.dropped.push(`${where}: ${what}`); }
  warn(where: string, what: string): void { this.warnings.push(`${where}: ${what}`); }
}
