/**
 * Pseudo-BMA model weights from pointwise elpd_loo (Yao, Vehtari, Simpson & Gelman 2018, "Using stacking to average
 * Bayesian predictive distributions", Bayesian Analysis 13(3), §3.4), as R's loo 2.5.1 `pseudobma_weights`. Stacking
 * weights: stacking.ts.
 *
 * Input: one Float64Array of N pointwise elpd_loo values per model (lpd[k][i]).
 */
import { UserError } from '../errors.js';
import { Rng } from '../rng.js';
import * as pm from '../numeric/portable-math.js';

function checkInput(lpd: readonly Float64Array[], what: string): number {
  if (lpd.length < 2) throw new UserError(`${what} weights need at least two models (got ${lpd.length})`);
  const n = lpd[0].length;
  for (const column of lpd) {
    if (column.length !== n) throw new UserError(`${what} weights: models have different numbers of observations`);
  }
  return n;
}

/** Softmax exp(z - max z) / Σ, in a new array. */
function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = z.map((v) => pm.exp(v - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

/** Pseudo-BMA (no bootstrap): w_k ∝ exp(elpd_loo_k), elpd_loo_k = Σ_i lpd_ik. */
export function pseudoBmaWeights(lpd: readonly Float64Array[]): Float64Array {
  checkInput(lpd, 'pseudo-BMA');
  return softmax(Float64Array.from(lpd, (column) => column.reduce((a, b) => a + b, 0)));
}

export interface BayesianBootstrapOptions {
  /** Seed of the Dirichlet draws (nutmeg's Rng); same seed, same weights. */
  readonly seed: number;
  /** Number of bootstrap replicates (loo's BB_n). Default 1000. */
  readonly replicates?: number;
}

/**
 * Pseudo-BMA+ : the mean over Bayesian-bootstrap replicates of softmax_k(N · Σ_i u_i lpd_ik), u ~ Dirichlet(1, …, 1)
 * (loo's `pseudobma_weights(BB = TRUE)`, alpha = 1). The Dirichlet draws come from nutmeg's seeded Rng, not R's, so
 * the weights agree with R's in distribution, not digit for digit.
 */
export function pseudoBmaPlusWeights(lpd: readonly Float64Array[], options: BayesianBootstrapOptions): Float64Array {
  const n = checkInput(lpd, 'pseudo-BMA+');
  const K = lpd.length;
  const replicates = options.replicates ?? 1000;
  const rng = new Rng(options.seed);
  const u = new Float64Array(n);
  const z = new Float64Array(K);
  const mean = new Float64Array(K);
  for (let b = 0; b < replicates; b++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += u[i] = rng.exponential();
    z.fill(0);
    for (let k = 0; k < K; k++) {
      const column = lpd[k];
      let s = 0;
      for (let i = 0; i < n; i++) s += u[i] * column[i];
      z[k] = (s / total) * n;
    }
    const w = softmax(z);
    for (let k = 0; k < K; k++) mean[k] += w[k] / replicates;
  }
  return mean;
}
