/** log Γ(x), shared by the priors, the family modules and the random variates (the native kernels mirror it). */
import * as pm from './portable-math.js';

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0: the Stirling series to the x^-9 term, evaluated at x + m ≥ 15 after the recurrence
 * Γ(x) = Γ(x + m) / (x (x + 1) … (x + m − 1)); absolute error below 1e-14 (checked against exact factorials and
 * Γ(1/2) = √π in tests/model/prior.test.ts).
 */
export function lgamma(x: number): number {
  let shift = 0;
  let product = 1;
  while (x < 15) {
    product *= x;
    x += 1;
    shift = 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  const stirling = (x - 0.5) * pm.log(x) - x + LOG_SQRT_2PI + series;
  return shift ? stirling - pm.log(product) : stirling;
}
