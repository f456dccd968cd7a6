/**
 * The beta distribution's CDF (the regularized incomplete beta function I_x(a, b)) and its quantile, which R
 * posterior's MCSE of a quantile uses (`qbeta`, Vehtari et al. 2021, section 4.3).
 */
import { stirlingRemainder } from './log-gamma.js';
import { normalQuantile } from './normal-quantile.js';
import * as pm from './portable-math.js';

const HALF_LOG_2PI = 0.9189385332046727418;

/**
 * log of x^a (1 − x)^b / B(a, b), arranged so that large a and b lose no digits: with p₀ = a/(a+b), Stirling's
 * formula turns it into a·log(x/p₀) + b·log((1 − x)/(1 − p₀)) + ½·log(ab/(a+b)) − ½·log 2π − δ(a) − δ(b) + δ(a+b),
 * where δ is Stirling's remainder, and the two logarithms of ratios keep their digits near the mode.
 */
function logBetaKernel(x: number, a: number, b: number): number {
  const s = a + b;
  const p0 = a / s;
  const q0 = b / s;
  return (
    a * logRatio(x, p0, (x - p0) / p0) +
    b * logRatio(1 - x, q0, (p0 - x) / q0) +
    0.5 * pm.log((a * b) / s) -
    HALF_LOG_2PI -
    stirlingRemainder(a) -
    stirlingRemainder(b) +
    stirlingRemainder(s)
  );
}

/**
 * log(y/y₀) given also u = (y − y₀)/y₀ computed without rounding y: through log1p(u) when y is near y₀ (where the
 * logarithm is small and must keep its digits), directly otherwise (where 1 + u would cancel).
 */
function logRatio(y: number, y0: number, u: number): number {
  return Math.abs(u) < 0.5 ? pm.log1p(u) : pm.log(y / y0);
}

/**
 * Continued fraction for I_x(a, b) (Abramowitz & Stegun 26.5.8), evaluated by the modified Lentz method; converges
 * quickly for x < (a + 1)/(a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    // even step: m(b − m)x / ((a + 2m − 1)(a + 2m))
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    // odd step: −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b), a, b > 0. */
export function betaCdf(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x < (a + 1) / (a + b + 2)) return (pm.exp(logBetaKernel(x, a, b)) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (pm.exp(logBetaKernel(1 - x, b, a)) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The density of Beta(a, b) at x in (0, 1). */
export function betaDensity(x: number, a: number, b: number): number {
  return pm.exp(logBetaKernel(x, a, b)) / (x * (1 - x));
}

/**
 * The quantile of Beta(a, b) (R's `qbeta(p, a, b)`): Newton's method on I_x(a, b) = p from a normal approximation,
 * kept inside a shrinking bracket by bisection, to full double precision.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  const s = a + b;
  const m = a / s;
  const sdev = Math.sqrt((a * b) / (s * s * (s + 1)));
  // start: the normal approximation, moved inside (0, 1)
  let x = m + normalQuantile(p) * sdev;
  if (!(x > 0 && x < 1)) x = m;
  for (let iter = 0; iter < 200; iter++) {
    const f = betaCdf(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    let next = x - f / betaDensity(x, a, b);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 4 * Number.EPSILON * x || hi - lo <= 4 * Number.EPSILON * hi) return next;
    x = next;
  }
  return x;
}

