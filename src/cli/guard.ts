/**
 * Wraps a command's action so that system errors (ENOENT, network
 * failures, ...) become one-line BerthErrors. The formatter is loaded only
 * when an error happens, keeping command registration cheap.
 */
export function guard<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const { userError } = await import('../project/image/format.js');
      throw userError(e);
    }
  };
}
