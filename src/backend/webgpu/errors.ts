/**
 * The WebGPU backend cannot run here: no adapter, device lost, out of memory, a timeout, a shader the driver
 * rejects. Not a UserError: the backend selector catches it and falls back to another backend, printing `message`
 * (one line naming the cause).
 */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

export function isBackendUnavailable(e: unknown): e is BackendUnavailableError {
  return e instanceof BackendUnavailableError;
}

/** Resolves like `promise`, or rejects with BackendUnavailableError when it has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BackendUnavailableError(`WebGPU: ${what} did not finish within ${(ms / 1000).toFixed(0)} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line from any thrown value. */
export function causeOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].trim();
}
