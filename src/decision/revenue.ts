/**
 * Expected revenue per contact from two models' draws: a conversion model, P(convert | arm), and a spend model on the
 * converters, E[spend | converted, arm]. Per posterior draw s (the two fits' draws paired by index: independent
 * posteriors of separate models, so any pairing of equally many draws is a draw from the joint),
 *   revenue_t[s] = P_t[s] · E_t[s],   uplift[s] = revenue_1[s] − revenue_0[s]          (t = 0 no e-mail, 1 e-mail)
 * with the spend model's mean on the outcome scale at its linear predictor η:
 *   lognormal: log y ~ Normal(η, σ)  ⇒  E[y] = exp(η + σ²/2);   gamma with the log link: E[y] = exp(η)
 * (the lognormal mean: Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, ch. 14, eq. 14.8a).
 */
import { summarizeQuantity, type DrawSummary } from './draw-summary.js';

export type SpendFamily = 'lognormal' | 'gamma';
export const SPEND_FAMILIES: readonly SpendFamily[] = ['lognormal', 'gamma'];

/** E[spend | converted] per draw from η per draw and, for lognormal, σ per draw (ignored for gamma). */
export function expectedSpend(family: SpendFamily, eta: Float64Array, sigma: Float64Array | null): Float64Array {
  const out = new Float64Array(eta.length);
  if (family === 'gamma') {
    for (let s = 0; s < eta.length; s++) out[s] = Math.exp(eta[s]);
    return out;
  }
  if (!sigma || sigma.length !== eta.length) throw new Error('expectedSpend: lognormal needs sigma per draw');
  for (let s = 0; s < eta.length; s++) out[s] = Math.exp(eta[s] + 0.5 * sigma[s] * sigma[s]);
  return out;
}

/** Per draw, one segment's expected revenue per contact in each arm and their difference. */
export interface RevenueDraws {
  readonly control: Float64Array;
  readonly treated: Float64Array;
  readonly uplift: Float64Array;
}

/**
 * revenue_t[s] = p_t[s] · spend_t[s] (draws paired by index) and their difference. All four arrays must have the
 * same length: the two fits must keep as many draws.
 */
export function revenueDraws(
  pControl: Float64Array,
  pTreated: Float64Array,
  spendControl: Float64Array,
  spendTreated: Float64Array,
): RevenueDraws {
  const S = pControl.length;
  if (pTreated.length !== S || spendControl.length !== S || spendTreated.length !== S) {
    throw new Error(`revenueDraws: ${S} conversion draws but ${spendControl.length} spend draws; fit both models with the same chains and draws`);
  }
  const control = new Float64Array(S);
  const treated = new Float64Array(S);
  const uplift = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    control[s] = pControl[s] * spendControl[s];
    treated[s] = pTreated[s] * spendTreated[s];
    uplift[s] = treated[s] - control[s];
  }
  return { control, treated, uplift };
}

export interface RevenueSummary {
  readonly control: DrawSummary;
  readonly treated: DrawSummary;
  readonly uplift: DrawSummary;
}

export function summarizeRevenue(d: RevenueDraws, nChains: number, nDraws: number): RevenueSummary {
  return {
    control: summarizeQuantity(d.control, nChains, nDraws),
    treated: summarizeQuantity(d.treated, nChains, nDraws),
    uplift: summarizeQuantity(d.uplift, nChains, nDraws),
  };
}
