/**
 * Monte Carlo standard errors as R posterior 1.4 computes them (Vehtari et al. 2021, Bayesian Analysis 16(2)).
 * Null where posterior returns NA (the ESS they rest on is NA: constant or non-finite draws).
 */
import { betaQuantile } from '../numeric/beta-distribution.js';
import type { ChainDraws } from './chains.js';
import { allFinite, withValues } from './chains.js';
import { essMean, essQuantile } from './ess.js';
import { mean, sd } from './moments.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, float64Slot } from './workspace.js';

/** (x − x̄)², whose ESS `mcseSd` needs. */
const SQUARED_DEVIATIONS: WorkSlot<Float64Array> = float64Slot('mcse squared deviations');

/** MCSE of the mean: sd/√ESS_mean (Gelman et al. 2013, BDA3 eq. 11.7 with the split-chain ESS). */
export function mcseMean(x: ChainDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  const ess = essMean(x, ws);
  return ess === null ? null : sd(x.values) / Math.sqrt(ess);
}

/**
 * MCSE of the standard deviation without assuming normality: the variance of the variance estimate
 * (E[(x − x̄)⁴] − E[(x − x̄)²]²)/ESS (Kenney & Keeping 1951, p. 141), ESS that of (x − x̄)², carried to the sd by a
 * first-order Taylor expansion, Var(sd) ≈ Var(var)/(4·var) (posterior's `mcse_sd`). `m`, when given, is
 * mean(x) of draws the caller has checked to be finite.
 */
export function mcseSd(x: ChainDraws, m?: number, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  if (m === undefined) {
    if (!allFinite(x.values)) return null;
    m = mean(x.values);
  }
  const sq = ws.get(SQUARED_DEVIATIONS, x.values.length);
  for (let i = 0; i < sq.length; i++) {
    const d = x.values[i] - m;
    sq[i] = d * d;
  }
  const ess = essMean(withValues(x, sq), ws);
  if (ess === null) return null;
  const eVar = mean(sq);
  const varVar = (meanOfSquares(sq) - eVar * eVar) / ess;
  return Math.sqrt(varVar / eVar / 4);
}

/** mean(y²) without storing y², summed as `mean` sums. */
function meanOfSquares(y: Float64Array): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += y[i] * y[i];
  const m = s / n;
  let r = 0;
  for (let i = 0; i < n; i++) r += y[i] * y[i] - m;
  return m + r / n;
}

/** Φ(−1) and Φ(1) to seven digits, as posterior writes them: a ±1 sd interval. */
const ONE_SD_PROBS = [0.1586553, 0.8413447] as const;

/**
 * MCSE of the quantile of probability `prob` (Vehtari et al. 2021, section 4.3): the number of draws below the
 * quantile is binomial; with the quantile's ESS, a Beta(ESS·p + 1, ESS·(1 − p) + 1) gives the ±1 sd band of its
 * probability, mapped back through the sorted draws; half that band's width.
 */
export function mcseQuantile(
  x: ChainDraws,
  prob: number,
  sorted?: SortedDraws,
  ess?: number | null,
  ws: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
): number | null {
  if (!allFinite(x.values)) return null;
  const s = sorted ?? sortDraws(x.values, undefined, ws);
  const e = ess === undefined ? essQuantile(x, prob, s, ws) : ess;
  if (e === null) return null;
  const a = e * prob + 1;
  const b = e * (1 - prob) + 1;
  const lo = betaQuantile(ONE_SD_PROBS[0], a, b);
  const hi = betaQuantile(ONE_SD_PROBS[1], a, b);
  const n = s.sorted.length;
  const th1 = s.sorted[Math.max(Math.floor(lo * n), 1) - 1];
  const th2 = s.sorted[Math.min(Math.ceil(hi * n), n) - 1];
  return (th2 - th1) / 2;
}
