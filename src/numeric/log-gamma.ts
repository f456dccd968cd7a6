/**
 * log Γ(x) for x > 0, in two forms with two jobs:
 * - `lgamma`, the model's (priors, family modules, random variates): a shifted Stirling series that the native
 *   kernels mirror term for term (native/src/families_host.cpp, lgamma_series), so the backends agree; absolute error
 *   below 1e-14.
 * - `logGamma` and `stirlingRemainder`, the beta distribution's (src/numeric/beta-distribution.ts): Lanczos below 10
 *   and a longer Stirling series above, within 1e-14 relative (the tests' mpmath values), and the remainder of
 *   Stirling's approximation on its own, which the beta kernel needs to keep its digits for large shapes.
 * Both are tested in tests/numeric/log-gamma.test.ts.
 */
import * as pm from './portable-math.js';

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0: the Stirling series to the x^-9 term, evaluated at x + m ≥ 15 after the recurrence
 * Γ(x) = Γ(x + m) / (x (x + 1) … (x + m − 1)); absolute error below 1e-14 (checked against exact factorials and
 * Γ(1/2) = √π).
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

const HALF_LOG_2PI = 0.9189385332046727418; // ½·log(2π) as a literal (one ulp above LOG_SQRT_2PI)

// Lanczos (1964) approximation with g = 7 and nine terms (the widely published coefficient set), about 15 digits.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Stirling's approximation without its remainder: (x − ½)·log x − x + ½·log 2π. */
function stirlingBase(x: number): number {
  return (x - 0.5) * pm.log(x) - x + HALF_LOG_2PI;
}

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x >= 10) return stirlingBase(x) + stirlingRemainder(x);
  if (x < 0.5) return pm.log(Math.PI / pm.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let s = LANCZOS[0];
  for (let k = 1; k < LANCZOS.length; k++) s += LANCZOS[k] / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * pm.log(t) - t + pm.log(s);
}

/**
 * δ(x) = log Γ(x) − [(x − ½)·log x − x + ½·log 2π]. For x ≥ 10 the asymptotic series
 * 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹) + 1/(156x¹³) (Abramowitz & Stegun
 * 6.1.40), whose next term is below 1e-16 there; below 10, the difference itself.
 */
export function stirlingRemainder(x: number): number {
  if (x < 10) return logGamma(x) - stirlingBase(x);
  const y = 1 / x;
  const y2 = y * y;
  return (
    y *
    (1 / 12 +
      y2 * (-1 / 360 + y2 * (1 / 1260 + y2 * (-1 / 1680 + y2 * (1 / 1188 + y2 * (-691 / 360360 + y2 / 156))))))
  );
}
