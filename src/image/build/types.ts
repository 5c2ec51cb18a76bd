// What a build takes and reports.
import type { ImageStore } from '../image-store.js';
import type { StepRunner } from './runner.js';

export interface BuildOptions {
  store: ImageStore;
  runner: StepRunner;
  /** Absolute context directory. */
  context: string;
  /** Dockerfile path (absolute, or relative to the context); default <context>/Dockerfile. */
  dockerfile?: string;
  /** The Dockerfile's text (dockerfile_inline, `-f -`); then `dockerfile` only names it in messages. */
  dockerfileText?: string;
  target?: string;
  buildArgs?: Record<string, string | undefined>;
  /** References the result is tagged with. */
  tags?: string[];
  labels?: Record<string, string>;
  noCache?: boolean;
  /** Pull every FROM image again (else only missing ones). */
  pull?: boolean;
  network?: 'default' | 'none' | 'host';
  extraHosts?: string[];
  shmSize?: number;
  /** Named contexts for COPY --from / FROM: a directory, or docker-image://REF. */
  additionalContexts?: Record<string, string>;
  /** RUN --mount=type=secret,id=ID: the file for each id. */
  secrets?: Record<string, string>;
  /** Pulls a missing base image into the store (the registry client). */
  pullImage?: (ref: string) => Promise<void>;
  progress?: (e: BuildEvent) => void;
  signal?: AbortSignal;
  /** Where steps mount their root filesystems (a runtime dir); default: the store's tmp dir. */
  mountDir?: string;
}

export type BuildEvent =
  | { type: 'step'; n: number; stage: string; index: number; total: number; text: string }
  | { type: 'cached'; n: number }
  | { type: 'output'; n: number; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'done'; n: number; ms: number }
  | { type: 'error'; n: number; message: string }
  | { type: 'image'; id: string; tags: string[]; ms: number; timings: BuildTimings };

export interface BuildTimings {
  /** Time in RUN containers. */
  runMs: number;
  /** Packing upper dirs into compressed layer blobs. */
  packMs: number;
  /** COPY/ADD file work. */
  copyMs: number;
  totalMs: number;
}

export interface BuildResult {
  id: string;
  tags: string[];
  steps: number;
  cached: number;
  timings: BuildTimings;
}
