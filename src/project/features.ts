// What this build of the project service can do, for the CLI's help: an
// option whose verb is missing is accepted (with a clear error when used)
// but not offered. Set a flag when its verb lands.
export const features = {
  /** `up --build`, `pull_policy: build`: the image builder. */
  build: true,
} as const;
