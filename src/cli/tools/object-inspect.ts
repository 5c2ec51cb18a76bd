// Printing of `inspect` results: docker's JSON array (4-space indent) or
// one rendering of a --format template per object; then one error line
// per name not found (exit 1), as docker does.
import { BerthError } from '../../errors.js';
import { goMap, parseGoTemplate } from './go-template.js';
import type { Inspected, ObjectType } from '../../project/inspect/objects.js';
import { writeOut } from '../output.js';

/** Where each kind of object holds Go maps (printed map[k:v] by templates); the rest are structs. */
const MAP_PATHS: Record<ObjectType, string[]> = {
  container: ['Config.Labels', 'Config.ExposedPorts', 'NetworkSettings.Networks', 'NetworkSettings.Ports', 'HostConfig.PortBindings', 'HostConfig.Tmpfs'],
  image: ['Config.Labels', 'Config.ExposedPorts', 'Config.Volumes'],
  network: ['Containers', 'Options', 'Labels'],
  volume: ['Labels', 'Options'],
};

function markMaps(o: Inspected): Record<string, unknown> {
  for (const path of MAP_PATHS[o.type]) {
    let v: unknown = o.value;
    for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) goMap(v);
  }
  return o.value;
}

/** Renders the found objects to stdout; throws the missing names' errors (one line each). */
function printInspected(found: Inspected[], missing: string[], format: string | undefined): void {
  if (!format || format === 'json') {
    writeOut(`${JSON.stringify(found.map((f) => f.value), null, 4)}\n`);
  } else {
    // A format without {{ }} is printed as is for each object, as docker's template does.
    const t = parseGoTemplate(format);
    writeOut(found.map((f) => `${t.render(markMaps(f))}\n`).join(''));
  }
  if (missing.length) throw new BerthError(missing.join('\n'));
}

export async function inspectCommand(root: string | undefined, names: string[], o: { type?: string; format?: string }): Promise<void> {
  const { inspectObjects } = await import('../../project/inspect/objects.js');
  const format = o.format;
  if (format && format !== 'json') parseGoTemplate(format); // a bad template fails before anything is looked up
  const { found, missing } = inspectObjects(root, names, o.type);
  printInspected(found, missing, format);
}
