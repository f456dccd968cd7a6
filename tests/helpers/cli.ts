import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** What a run of the CLI printed, and what `run` returned. */
export interface Captured<T> {
  result: T;
  out: string;
  err: string;
}

/**
 * Runs `run` with stdout and stderr captured by patching their `write` for the duration of the call; both are restored
 * and process.exitCode is reset afterwards, so one CLI failure does not leak an exit code into the test process.
 */
export async function capturing<T>(run: () => Promise<T>): Promise<Captured<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const result = await run();
    return { result, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = undefined;
  }
}

/** `nutmeg <args>` in-process through main(): its exit code and everything it printed. */
export async function runNutmeg(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { result, out, err } = await capturing(() => main(['node', 'nutmeg', ...args]));
  return { code: result, out, err };
}

/**
 * Captures stdout and stderr from now until vi.restoreAllMocks() (call it in afterEach), for tests that call main()
 * several times and read what accumulated; `clear` forgets what was captured so far.
 */
export function captureOutput(): { out: () => string; err: () => string; clear: () => void } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return {
    out: () => out,
    err: () => err,
    clear: () => {
      out = '';
      err = '';
    },
  };
}
