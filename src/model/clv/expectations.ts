/**
 * Per-customer expectations of the BG/NBD + Gamma-Gamma model at one parameter draw (Fader, Hardie & Lee 2005,
 * eqs. 11 and 10; 2005b, eq. 5): the probability that a customer with (x, t_x, T) is still alive, the expected number
 * of purchases in the next t weeks, and the expected spend per purchase.
 *   P(alive) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
 *   E[Y(t)] = P(alive) · (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   E[spend] = p (γ + m x) / (p x + q − 1)   (x = 0: the population mean p γ / (q − 1)).
 * The bracket depends on (x, T) only, so a caller walking customers sorted by (x, T) passes the previous value back.
 * Checked against a one-dimensional integral over the drop-out probability computed in R
 * (scripts/reference/clv-values.R) in tests/model/clv/expectations.test.ts.
 */
import { logHyp2f1 } from '../../numeric/hypergeometric-2f1.js';

export interface PurchaseParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export function probabilityAlive(pp: PurchaseParameters, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return 1 / (1 + (pp.a / (pp.b + x - 1)) * Math.exp((pp.r + x) * Math.log((pp.alpha + T) / (pp.alpha + tx))));
}

/**
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(…)]: the expected purchases in the next t weeks of a customer
 * known to be alive at T. NaN where the series fails (never seen for t/(α+T+t) < 1).
 */
export function expectedPurchasesIfAlive(pp: PurchaseParameters, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = pp;
  const z = t / (alpha + T + t);
  const f = logHyp2f1(r + x, b + x, a + b + x - 1, z);
  const h = f.sign * Math.exp((r + x) * Math.log1p(-z) + f.log);
  return ((a + b + x - 1) / (a - 1)) * (1 - h);
}

export function expectedPurchases(pp: PurchaseParameters, x: number, tx: number, T: number, t: number): number {
  return probabilityAlive(pp, x, tx, T) * expectedPurchasesIfAlive(pp, x, T, t);
}

/** Expected spend per purchase given x repeat purchases with mean spend m (Gamma-Gamma conditional mean). */
export function expectedSpend(p: number, q: number, gamma: number, x: number, m: number): number {
  return x > 0 ? (p * (gamma + m * x)) / (p * x + q - 1) : (p * gamma) / (q - 1);
}
