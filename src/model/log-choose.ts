/**
 * log C(n, k) for whole numbers, accurate to double precision: log m! from a table of summed logs for m < 256 and
 * from Stirling's series (terms to 1/(1260 m^5); the next term is below 1/(1680 m^7) < 1e-19 there) above.
 * (exact summed logs where src/numeric/log-gamma.ts's series, good to ~1e-14 absolute, would lose relative digits on
 * the small values.)
 */
import * as pm from '../numeric/portable-math.js';
const TABLE_SIZE = 256;
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let m = 2; m < TABLE_SIZE; m++) LOG_FACTORIAL[m] = LOG_FACTORIAL[m - 1] + pm.log(m);
const HALF_LOG_2PI = 0.5 * pm.log(2 * Math.PI);

/** log(m!) for a whole number m ≥ 0. */
export function logFactorial(m: number): number {
  if (m < TABLE_SIZE) return LOG_FACTORIAL[m];
  const r = 1 / m;
  const r2 = r * r;
  return (m + 0.5) * pm.log(m) - m + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}

/** log C(n, k) per row, for whole numbers 0 ≤ k ≤ n. */
export function logChoose(n: Float64Array, k: Float64Array): Float64Array {
  const out = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) out[i] = logFactorial(n[i]) - logFactorial(k[i]) - logFactorial(n[i] - k[i]);
  return out;
}
