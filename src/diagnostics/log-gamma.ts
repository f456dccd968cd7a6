/**
 * log Γ(x) for x > 0 and the remainder of Stirling's approximation, the pieces the beta distribution needs.
 */
import * as pm from '../numeric/portable-math.js';

const HALF_LOG_2PI = 0.9189385332046727418; // ½·log(2π)

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
