// Errors a user can act on. The CLI prints `message` as one line and exits
// with `exitCode`; anything else is a bug and is printed with its stack.
export class BerthError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'BerthError';
    this.exitCode = exitCode;
  }
}

/** A command-line usage error (bad flag, missing argument). */
export class UsageError extends BerthError {
  constructor(message: string) {
    super(message, 15);
    this.name = 'UsageError';
  }
}

export function isBerthError(e: unknown): e is BerthError {
  return e instanceof BerthError;
}
