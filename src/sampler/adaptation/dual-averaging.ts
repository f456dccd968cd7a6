/**
 * Step-size adaptation by Nesterov dual averaging (Hoffman & Gelman 2014, §3.2.1; Stan's stepsize_adaptation), one
 * state per chain. After each warm-up transition with acceptance statistic a (capped at 1), with n the iteration
 * counter since the last restart:
 *   s̄ ← (1 − 1/(n + t0)) s̄ + (δ − a)/(n + t0)
 *   x  = μ − s̄ √n / γ;        ε = exp(x)
 *   x̄ ← (1 − n^−κ) x̄ + n^−κ x
 * and at the end of warm-up ε = exp(x̄). Stan's defaults: δ = 0.8, γ = 0.05, t0 = 10, κ = 0.75, μ = log(10 ε0).
 */
import * as pm from '../../numeric/portable-math.js';
export interface DualAveragingSettings {
  /** Target mean acceptance statistic δ (adapt_delta). */
  readonly targetAccept: number;
  readonly gamma: number;
  readonly t0: number;
  readonly kappa: number;
}

export const STAN_DUAL_AVERAGING: DualAveragingSettings = { targetAccept: 0.8, gamma: 0.05, t0: 10, kappa: 0.75 };

export class DualAveraging {
  readonly counter: Float64Array;
  readonly sBar: Float64Array;
  readonly xBar: Float64Array;
  readonly mu: Float64Array;

  constructor(
    nChains: number,
    readonly settings: DualAveragingSettings = STAN_DUAL_AVERAGING,
  ) {
    this.counter = new Float64Array(nChains);
    this.sBar = new Float64Array(nChains);
    this.xBar = new Float64Array(nChains);
    this.mu = new Float64Array(nChains);
  }

  /** Shrinkage target μ of chain c, Stan sets log(10 ε) with the current step size ε. */
  setMu(c: number, mu: number): void {
    this.mu[c] = mu;
  }

  restart(c: number): void {
    this.counter[c] = 0;
    this.sBar[c] = 0;
    this.xBar[c] = 0;
  }

  /** Updates chain c with the acceptance statistic of its last transition; returns the new step size exp(x). */
  learn(c: number, acceptStat: number): number {
    const { targetAccept, gamma, t0, kappa } = this.settings;
    const a = acceptStat > 1 ? 1 : acceptStat;
    const n = ++this.counter[c];
    const eta = 1 / (n + t0);
    this.sBar[c] = (1 - eta) * this.sBar[c] + eta * (targetAccept - a);
    const x = this.mu[c] - (this.sBar[c] * Math.sqrt(n)) / gamma;
    const xEta = pm.pow(n, -kappa);
    this.xBar[c] = (1 - xEta) * this.xBar[c] + xEta * x;
    return pm.exp(x);
  }

  /** The adapted step size of chain c, exp(x̄). */
  final(c: number): number {
    return pm.exp(this.xBar[c]);
  }
}
