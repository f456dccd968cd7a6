/**
 * Closed-form and quadrature references for Beta posteriors, written independently of src/decision/abtest.ts:
 * - P(p_B > p_A) for p_A ~ Beta(αA, βA), p_B ~ Beta(αB, βB), integer αB: Evan Miller's sum (2014, "Formulas for
 *   Bayesian A/B testing"): Σ_{i=0}^{αB−1} B(αA + i, βA + βB) / ((βB + i) · B(1 + i, βB) · B(αA, βA)).
 * - P(arm j is best) = ∫ f_j(x) Π_{k≠j} F_k(x) dx and E[max_k p_k] = ∫ (1 − Π_k F_k(x)) dx by composite Simpson on
 *   the range where the densities live (beta CDF and density from src/diagnostics, tested against R/SciPy).
 */
import { betaCdf, betaDensity } from '../../src/numeric/beta-distribution.js';
import { lgamma } from '../../src/numeric/log-gamma.js';

const logBeta = (a: number, b: number): number => lgamma(a) + lgamma(b) - lgamma(a + b);

export function probBGreaterA(aA: number, bA: number, aB: number, bB: number): number {
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA));
  }
  return total;
}

export interface BetaArm {
  readonly alpha: number;
  readonly beta: number;
}

function range(arms: readonly BetaArm[]): [number, number] {
  let lo = 1;
  let hi = 0;
  for (const { alpha, beta } of arms) {
    const m = alpha / (alpha + beta);
    const sd = Math.sqrt((alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1)));
    lo = Math.min(lo, m - 15 * sd);
    hi = Math.max(hi, m + 15 * sd);
  }
  return [Math.max(lo, 1e-12), Math.min(hi, 1 - 1e-12)];
}

function simpson(f: (x: number) => number, lo: number, hi: number, intervals = 20000): number {
  const h = (hi - lo) / intervals;
  let s = f(lo) + f(hi);
  for (let i = 1; i < intervals; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

export function probBestQuadrature(arms: readonly BetaArm[], j: number): number {
  const [lo, hi] = range(arms);
  return simpson(
    (x) => {
      let v = betaDensity(x, arms[j].alpha, arms[j].beta);
      arms.forEach((a, k) => {
        if (k !== j) v *= betaCdf(x, a.alpha, a.beta);
      });
      return v;
    },
    lo,
    hi,
  );
}

export function expectedMaxQuadrature(arms: readonly BetaArm[]): number {
  const [lo, hi] = range(arms);
  return lo + simpson((x) => 1 - arms.reduce((v, a) => v * betaCdf(x, a.alpha, a.beta), 1), lo, hi);
}
