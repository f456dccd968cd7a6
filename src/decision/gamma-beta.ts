/**
 * Beta variates from the seeded Rng (src/rng.ts; its gamma method is Marsaglia & Tsang's).
 * Beta(a, b): X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
 */
import type { Rng } from '../rng.js';

/** One Beta(a, b) variate. */
export function betaVariate(rng: Rng, a: number, b: number): number {
  const x = rng.gamma(a);
  const y = rng.gamma(b);
  return x / (x + y);
}

/** n Beta(a, b) variates. */
export function betaVariates(rng: Rng, a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = betaVariate(rng, a, b);
  return out;
}
