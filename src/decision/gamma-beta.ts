/**
 * Gamma and beta variates from the seeded Rng (src/rng.ts).
 *
 * Gamma(shape a ≥ 1): Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3):
 * with d = a − 1/3 and c = 1/√(9d), draw x ~ N(0, 1) until v = (1 + c·x)³ > 0, accept d·v when
 * log u < x²/2 + d − d·v + d·log v (with their cheap squeeze u < 1 − 0.0331·x⁴ first).
 * Gamma(a < 1): Gamma(a + 1) · U^(1/a) (the same paper, section 6).
 * Beta(a, b): X/(X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
 */
import type { Rng } from '../rng.js';

/** One Gamma(shape, 1) variate; multiply by a scale for Gamma(shape, scale). */
export function gammaVariate(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new Error(`gammaVariate: shape ${shape} must be positive and finite`);
  if (shape < 1) {
    // boost: Gamma(a) = Gamma(a + 1) · U^(1/a); 1 − U keeps the power away from log 0
    const g = gammaVariate(rng, shape + 1);
    return g * Math.pow(1 - rng.uniform(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One Beta(a, b) variate. */
export function betaVariate(rng: Rng, a: number, b: number): number {
  const x = gammaVariate(rng, a);
  const y = gammaVariate(rng, b);
  return x / (x + y);
}

/** n Beta(a, b) variates. */
export function betaVariates(rng: Rng, a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = betaVariate(rng, a, b);
  return out;
}
