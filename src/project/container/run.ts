// `container run`: create, start, then either return (detached) or attach
// until the container exits and give back its exit code; --rm removes it
// once it has exited. Exit codes are docker's: 125 when the container could
// not be made, 126 when its command cannot be executed, 127 when it is not
// found, the container's own otherwise.
import { BerthError } from '../../errors.js';
import type { Engine } from '../engine.js';
import { attachOneOff } from '../one-off-attach.js';
import { createEngineContainer } from './create.js';
import { AUTO_REMOVE_LABEL, removeContainer, startContainer } from './lifecycle.js';
import { startFailureCode } from './start-failure.js';
import type { ContainerRunSpec } from './run-spec.js';

export interface ContainerRunOptions {
  spec: ContainerRunSpec;
  detach?: boolean;
  rm?: boolean;
  /** Lines for the user while the image is pulled. */
  onPull?: (line: string) => void;
  onWarning?: (line: string) => void;
}

export interface ContainerRunResult { id: string; name: string; exitCode?: number }

export async function runContainer(engine: Engine, o: ContainerRunOptions): Promise<ContainerRunResult> {
  // Detached with --rm: removed by the next engine command after it exits (see sweepAutoRemoved).
  const spec = o.detach && o.rm ? { ...o.spec, labels: [...(o.spec.labels ?? []), `${AUTO_REMOVE_LABEL}=true`] } : o.spec;
  const made = await createEngineContainer(engine, spec, o.onPull);
  for (const w of made.warnings) o.onWarning?.(w);
  const { id, name } = made;
  try {
    await startContainer(engine, id);
  } catch (e) {
    if (o.rm) await removeContainer(engine, id, { force: true, volumes: true }).catch(() => undefined);
    const msg = (e as Error).message;
    throw new BerthError(msg, startFailureCode(msg));
  }
  if (o.detach) return { id, name };
  try {
    const exitCode = await attachOneOff(engine.containers, id, !!o.spec.tty, !!o.spec.interactive);
    return { id, name, exitCode };
  } finally {
    if (o.rm) await removeContainer(engine, id, { force: true, volumes: true });
  }
}
