// `berth convert`: the project as Kubernetes manifests, written to stdout,
// one file, or one file per object in a directory.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../compose/model.js';
import { toYaml } from '../compose/output.js';
import { toKubernetes, type K8sObject } from '../convert/kubernetes/index.js';
import { BerthError } from '../errors.js';

export interface ConvertRequest {
  namespace?: string;
  /** A file, or a directory (existing, or written with a trailing '/'): one file per object. Absent: returned as text. */
  output?: string;
  /** Anything dropped is an error, and nothing is written. */
  strict?: boolean;
}

export interface ConvertOutcome {
  /** The manifests as one multi-document YAML when no output was given. */
  text?: string;
  /** Files written. */
  files: string[];
  dropped: string[];
  warnings: string[];
}

/** Exit status of a conversion that wrote everything it could but dropped something. */
export const DROPPED_EXIT_CODE = 3;

export function convertProject(project: Project, req: ConvertRequest): ConvertOutcome {
  const r = toKubernetes(project, { namespace: req.namespace, readFile: (p) => readFileSync(p), env: process.env });
  if (req.strict && r.dropped.length > 0) {
    throw new BerthError(`convert --strict: ${r.dropped.length} item(s) cannot be translated, nothing written:\n  ${r.dropped.join('\n  ')}`);
  }
  const out: ConvertOutcome = { files: [], dropped: r.dropped, warnings: r.warnings };
  if (req.output === undefined) out.text = multiDocument(r.objects);
  else if (isDirectoryTarget(req.output)) {
    mkdirSync(req.output, { recursive: true });
    for (const o of r.objects) {
      const file = join(req.output, `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`);
      writeFileSync(file, toYaml(o));
      out.files.push(file);
    }
  } else {
    writeFileSync(req.output, multiDocument(r.objects));
    out.files.push(req.output);
  }
  return out;
}

function multiDocument(objects: K8sObject[]): string {
  return objects.map((o) => `---\n${toYaml(o)}`).join('');
}

function isDirectoryTarget(path: string): boolean {
  if (path.endsWith('/')) return true;
  try { return statSync(path).isDirectory(); } catch { return false; }
}
