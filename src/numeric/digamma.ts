/**
 * ψ(x) = d/dx log Γ(x) for x > 0, needed for the derivative of the negbinomial and gamma likelihoods with respect to
 * their shape. The recurrence ψ(x) = ψ(x + 1) − 1/x moves x to at least 10, where the asymptotic series
 *   ψ(x) ≈ ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰)
 * (Abramowitz & Stegun 6.3.18, coefficients B_{2k}/(2k)) is used; the first omitted term, 691/(32760 x¹²), is
 * below 2e-16 at x = 15. Checked against ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2 and the recurrence in
 * tests/numeric/digamma.test.ts.
 */
import * as pm from './portable-math.js';
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let shift = 0;
  while (x < 15) {
    shift += 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
  return pm.log(x) - 0.5 * inv - series - shift;
}
