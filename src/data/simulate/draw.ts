/** Random draws the simulators share, on top of src/rng.ts. */
import type { Rng } from '../../rng.js';
import * as pm from '../../numeric/portable-math.js';

/** A sampler of 0 … k−1 with the given probabilities (normalised here), by inversion of the cumulative table. */
export function discrete(probabilities: readonly number[]): (rng: Rng) => number {
  const total = probabilities.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(probabilities.length);
  let sum = 0;
  probabilities.forEach((p, k) => {
    if (!(p >= 0)) throw new Error(`discrete: probability ${p} is negative`);
    sum += p / total;
    cumulative[k] = sum;
  });
  cumulative[cumulative.length - 1] = 1;
  return (rng) => {
    const u = rng.uniform();
    let k = 0;
    while (u >= cumulative[k]) k++;
    return k;
  };
}

/** Poisson(mean) by multiplying uniforms (Knuth); for the small means the simulators use (≤ 30). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0 && mean <= 30)) throw new Error(`poisson: mean ${mean} outside [0, 30]`);
  const limit = pm.exp(-mean);
  let k = 0;
  let product = rng.uniform();
  while (product > limit) {
    k++;
    product *= rng.uniform();
  }
  return k;
}

/** Log-normal: exp(mu + sigma·N(0, 1)). */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return pm.exp(mu + sigma * rng.normal());
}

/** x rounded to `digits` decimals (as a CSV would hold it). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The intercept a such that the mean of sigmoid(a + offset[i]) over the rows equals `rate` (bisection; the mean is
 * increasing in a).
 */
export function interceptForRate(offsets: Float64Array, rate: number, sigmoid: (x: number) => number): number {
  if (!(rate > 0 && rate < 1) || offsets.length === 0) throw new Error(`interceptForRate: rate ${rate} of ${offsets.length} rows`);
  const meanRate = (a: number): number => {
    let s = 0;
    for (let i = 0; i < offsets.length; i++) s += sigmoid(a + offsets[i]);
    return s / offsets.length;
  };
  let lo = -30;
  let hi = 30;
  for (let it = 0; it < 100 && hi - lo > 1e-12; it++) {
    const mid = (lo + hi) / 2;
    if (meanRate(mid) < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
