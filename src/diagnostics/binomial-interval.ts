/**
 * The Clopper–Pearson ("exact") interval for a binomial proportion (Clopper & Pearson 1934; R's `binom.test`):
 * for k successes in n trials at level 1 − alpha, [qbeta(alpha/2, k, n − k + 1), qbeta(1 − alpha/2, k + 1, n − k)],
 * with 0 as the lower end when k = 0 and 1 as the upper end when k = n.
 */
import { betaQuantile } from '../numeric/beta-distribution.js';

export function clopperPearson(k: number, n: number, alpha = 0.05): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 1 || k > n || !(alpha > 0 && alpha < 1)) return [NaN, NaN];
  const lower = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const upper = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return [lower, upper];
}
