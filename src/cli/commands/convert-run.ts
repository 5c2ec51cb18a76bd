// `berth convert` output: manifests to stdout (or the files named), then what
// was dropped or translated with a caveat on stderr, one line each.
import type { GlobalOptions } from '../globals.js';
import type { ConvertFlags } from './convert.js';
import { loadProjectFromGlobals } from '../project-loader.js';
import { convertProject, DROPPED_EXIT_CODE } from '../../project/convert.js';
import { writeErr, writeOut } from '../output.js';

export async function runConvert(g: GlobalOptions, services: string[], f: ConvertFlags): Promise<void> {
  const project = await loadProjectFromGlobals(g, { services, selectServices: services.length > 0 });
  const r = convertProject(project, { namespace: f.namespace, output: f.output, strict: f.strict });
  if (r.text !== undefined) writeOut(r.text);
  for (const w of r.warnings) writeErr(`warning: ${w}\n`);
  for (const d of r.dropped) writeErr(`not translated: ${d}\n`);
  if (r.dropped.length > 0) process.exitCode = DROPPED_EXIT_CODE;
}
