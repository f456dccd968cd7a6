/**
 * Small pieces the benches' command lines share: a flag's value, comma lists, sums of per-chain counts, and the fit
 * options every sampler bench takes the same way (--backend, --threads, --chains, --warmup, --draws).
 */
import type { BackendChoice } from '../src/backend/select.js';
import type { FitOptions } from '../src/fit/fit.js';

/** The value after `name` in `args` (e.g. `--rows 1000000`), or `fallback` when the flag or its value is absent. */
export function flagValue(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** "a,b,,c" → ['a', 'b', 'c'] (or split at `sep`). */
export const list = (s: string, sep = ','): string[] => s.split(sep).filter((x) => x.length > 0);

export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

export interface RunFlags {
  readonly backend: string;
  readonly threads?: string;
  readonly chains: string;
  readonly warmup: string;
  readonly draws: string;
}

/** The fit options of the flags every sampler bench takes, for one seed. */
export function runOptions(a: RunFlags, seed: number): FitOptions {
  return {
    backend: a.backend as BackendChoice,
    threads: a.threads === undefined ? undefined : Number(a.threads),
    chains: Number(a.chains),
    warmup: Number(a.warmup),
    draws: Number(a.draws),
    seed,
  };
}
