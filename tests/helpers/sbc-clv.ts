/**
 * SBC replicates of the BG/NBD + Gamma-Gamma model: parameters drawn from the model's hierarchical prior (written
 * here from the prior's definition in src/model/clv/clv-model.ts, not from its density code), purchases simulated by
 * src/data/simulate/clv.ts in continuous weeks, the exact RFM summary (no rounding to days, which would change the
 * model), and the density model of that summary under the same prior.
 */
import { rfmFromEvents, simulateClvEvents } from '../../src/data/simulate/clv.js';
import { CLV_PARAMETER_NAMES, clvDensityModel, type ClvPriors } from '../../src/model/clv/clv-model.js';
import { Rng } from '../../src/rng.js';
import type { DensityReplicate } from './sbc-density.js';

/** Fixed centers (the CLI's γ center comes from the data, which SBC must not do) and a half-normal(0.5) hyperprior. */
export const SBC_CLV_PRIORS: ClvPriors = { centers: { r: 1, alpha: 10, a: 1, b: 3, p: 2, q: 3, gamma: 30 }, hyperScale: 0.5 };

export interface ClvSbcOptions {
  readonly replicates: number;
  readonly customers: number;
  readonly weeks: number;
  readonly seed: number;
}

export function clvReplicates(o: ClvSbcOptions): DensityReplicate[] {
  const c = SBC_CLV_PRIORS.centers;
  const h = SBC_CLV_PRIORS.hyperScale;
  const rng = new Rng(o.seed, 500);
  const out: DensityReplicate[] = [];
  for (let k = 0; k < o.replicates; k++) {
    const sp = Math.abs(h * rng.normal());
    const ss = Math.abs(h * rng.normal());
    const ln = (center: number, s: number) => Math.exp(Math.log(center) + s * rng.normal());
    const truth = { r: ln(c.r, sp), alpha: ln(c.alpha, sp), a: ln(c.a, sp), b: ln(c.b, sp), p: ln(c.p, ss), q: 1 + ln(c.q - 1, ss), gamma: ln(c.gamma, ss) };
    const events = simulateClvEvents({ seed: o.seed * 1000 + k, customers: o.customers, truth, weeks: o.weeks, acquisitionWeeks: Math.min(13, o.weeks) });
    const data = rfmFromEvents(events, o.weeks);
    const values = { ...truth, sigma_purchase: sp, sigma_spend: ss };
    out.push({ model: clvDensityModel(data, SBC_CLV_PRIORS), truth: Float64Array.from(CLV_PARAMETER_NAMES, (name) => values[name]) });
  }
  return out;
}
