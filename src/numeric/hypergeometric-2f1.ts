/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ for real a, b, c (c not 0, −1, −2, …)
 * and real z < 1, needed by the BG/NBD expected number of future purchases (Fader, Hardie & Lee 2005, eq. 10).
 *
 * 0 ≤ z < 1: the power series, summed term by term with the ratio t_{n+1}/t_n = (a+n)(b+n) z / ((c+n)(n+1)) until a
 * term is below 1e-17 of the sum once the ratio has fallen under 1 (so that the rest is bounded by a geometric tail).
 * The sum is carried as a mantissa and a log scale, rescaled whenever it passes 1e250, so that the large values near
 * z → 1 with large a, b (the purchase model's r + x, b + x for frequent buyers) come back as a finite logarithm.
 * z < 0: Pfaff's transformation ₂F₁(a, b; c; z) = (1 − z)^(−a) ₂F₁(a, c − b; c; z / (z − 1)) maps z to [0, 1).
 * Checked against closed forms (₂F₁(1, 1; 2; z) = −ln(1 − z)/z, ₂F₁(a, b; b; z) = (1 − z)^(−a),
 * ₂F₁(½, ½; 3/2; z²) = arcsin(z)/z), Gauss's contiguous relation and series values computed in R
 * (scripts/reference/hyp2f1-values.R) in tests/numeric/hypergeometric-2f1.test.ts.
 */

/** log|₂F₁(a, b; c; z)| and its sign (0 where the value is 0); NaN log where the series does not converge. */
export interface LogHyp2f1 {
  readonly log: number;
  readonly sign: number;
}

const RESCALE = 1e250;
const LOG_RESCALE = Math.log(RESCALE);
const MAX_TERMS = 1_000_000;

/** log|₂F₁(a, b; c; z)| with its sign, for z < 1. */
export function logHyp2f1(a: number, b: number, c: number, z: number): LogHyp2f1 {
  if (!(z < 1) || Number.isNaN(a + b + c)) return { log: NaN, sign: 0 };
  if (c <= 0 && Number.isInteger(c)) return { log: NaN, sign: 0 };
  if (z < 0) {
    const w = z / (z - 1);
    const inner = seriesLog(a, c - b, c, w);
    return { log: inner.log - a * Math.log1p(-z), sign: inner.sign };
  }
  return seriesLog(a, b, c, z);
}

/** ₂F₁(a, b; c; z) for z < 1 (Infinity where it overflows a double). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const r = logHyp2f1(a, b, c, z);
  return r.sign === 0 ? (Number.isNaN(r.log) ? NaN : 0) : r.sign * Math.exp(r.log);
}

function seriesLog(a: number, b: number, c: number, z: number): LogHyp2f1 {
  let sum = 1;
  let term = 1;
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return { log: Math.log(Math.abs(sum)) + logScale, sign: Math.sign(sum) };
    if (Math.abs(sum) > RESCALE) {
      sum /= RESCALE;
      term /= RESCALE;
      logScale += LOG_RESCALE;
    }
    // Past the hump (|ratio| < 1 and falling toward z), the tail is below |term| · |ratio| / (1 − |ratio|) ≤ |term| / (1 − z)
    // once the ratio has settled; stop when that bound is negligible against the sum.
    const r = Math.abs(ratio);
    if (n > 0 && r < 1 && Math.abs(term) <= 1e-17 * (1 - Math.max(r, z)) * Math.abs(sum)) {
      return { log: Math.log(Math.abs(sum)) + logScale, sign: Math.sign(sum) };
    }
  }
  return { log: NaN, sign: 0 };
}
