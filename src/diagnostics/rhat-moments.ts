/**
 * The potential scale reduction from each chain's mean and variance (Gelman et al. 2013, BDA3 section 11.4;
 * Vehtari et al. 2021, eqs. 1–4): with n draws per chain, B = n·var(chain means), W = mean of the within-chain
 * variances, R̂ = √(((n − 1)/n·W + B/n)/W) = √((B/W + n − 1)/n) (R posterior's `.rhat`). Null when that is not a
 * finite number.
 */
import { variance } from './moments.js';

export function rhatFromMoments(chainMeans: Float64Array, chainVariances: Float64Array, n: number): number | null {
  const m = chainMeans.length;
  let withinSum = 0;
  for (let c = 0; c < m; c++) withinSum += chainVariances[c];
  const between = n * variance(chainMeans);
  const within = withinSum / m;
  const r = Math.sqrt((between / within + n - 1) / n);
  return Number.isFinite(r) ? r : null;
}
