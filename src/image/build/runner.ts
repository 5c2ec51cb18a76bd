// The port through which the builder runs a RUN step. The image layer knows
// nothing of containers: the project service implements this with berth's
// runtime (namespaces, default capabilities, seccomp), as for any container.

export interface RunMount {
  /** A host directory (bind from a context/stage, or a cache directory). */
  source: string;
  /** Absolute path in the container. */
  target: string;
  readOnly: boolean;
}

export interface RunStep {
  /** The step's root filesystem, already mounted (an overlay of the parent layers and the step's upper dir). */
  rootfs: string;
  args: string[];
  /** KEY=value entries: the image's Env plus the build args in effect. */
  env: string[];
  /** USER as written ("name", "uid", "name:group"); resolved inside the rootfs. */
  user?: string;
  cwd: string;
  /** none: loopback only; default: the builder's private network; host: the host's network. */
  network: 'default' | 'none' | 'host';
  extraHosts?: string[];
  shmSize?: number;
  mounts: RunMount[];
  /** The step's output as it comes. */
  output(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  signal?: AbortSignal;
}

export interface StepRunner {
  /** Runs the command to its end; resolves with its exit code (rejects only when it could not be started). */
  run(step: RunStep): Promise<number>;
  /** Paths the runner mounts into every step (/proc, /dev, ...): made for the step, removed from its layer when empty. */
  readonly mountPoints: readonly string[];
}
