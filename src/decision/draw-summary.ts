/**
 * The summary of one derived quantity's draws that the decision tables show: mean, 10% and 90% quantiles (type 7,
 * as R's quantile), P(> 0), and the Monte Carlo standard errors of the mean and of P(> 0) (R posterior's mcse_mean:
 * sd/√ESS with the split-chain ESS, Vehtari et al. 2021), so that two estimates can be compared within their MCSE.
 */
import type { ChainDraws } from '../diagnostics/chains.js';
import { mcseMean } from '../diagnostics/mcse.js';
import { quantileSorted } from '../numeric/quantile.js';

export interface DrawSummary {
  readonly mean: number;
  readonly p10: number;
  readonly p90: number;
  readonly probPositive: number;
  /** MCSE of the mean; 0 when the draws are constant. */
  readonly mcseMean: number;
  /** MCSE of P(> 0); 0 when every draw is on one side of 0. */
  readonly mcseProbPositive: number;
}

/** Summary of draws laid out chain-major (nChains × nDraws). */
export function summarizeQuantity(values: Float64Array, nChains: number, nDraws: number): DrawSummary {
  const S = values.length;
  if (S !== nChains * nDraws || S === 0) throw new Error(`summarizeQuantity: ${S} values for ${nChains} × ${nDraws} draws`);
  let sum = 0;
  let positive = 0;
  const indicator = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    sum += values[s];
    if (values[s] > 0) {
      positive++;
      indicator[s] = 1;
    }
  }
  const sorted = Float64Array.from(values).sort();
  const chains = (v: Float64Array): ChainDraws => ({ values: v, nChains, nDraws });
  return {
    mean: sum / S,
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
    probPositive: positive / S,
    mcseMean: mcseMean(chains(values)) ?? 0,
    mcseProbPositive: mcseMean(chains(indicator)) ?? 0,
  };
}
