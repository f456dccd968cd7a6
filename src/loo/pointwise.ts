/**
 * PSIS-LOO for one observation from its S log-likelihood draws, as R's loo 2.5.1 `pointwise_loo_calcs`:
 * log ratios = -log_lik, PSIS-smoothed and normalised weights w, then
 *   elpd_loo = log Σ_s w_s p(y|θ_s),   lpd = log mean_s p(y|θ_s),   p_loo = lpd - elpd_loo,   looic = -2·elpd_loo,
 * the Monte Carlo SE of elpd_loo (loo's `mcse_elpd`, below) and the PSIS effective sample size
 * n_eff = r_eff / Σ_s w_s².
 *
 * The draws are handled in sorted order: log ratios are a function of the log-likelihood, so the sorted
 * log-likelihood gives both the sorted weights and the likelihood each weight multiplies.
 */
import { normalQuantile } from '../diagnostics/normal-quantile.js';
import { PsisWorkspace, paretoTailLength, smoothSortedLogWeights } from './psis.js';

/** Per-observation results, one entry per observation; filled in place by `PointwiseLoo.compute`. */
export interface PointwiseLooArrays {
  readonly elpdLoo: Float64Array;
  readonly mcseElpdLoo: Float64Array;
  readonly pLoo: Float64Array;
  readonly looic: Float64Array;
  readonly paretoK: Float64Array;
  readonly rEff: Float64Array;
  readonly nEff: Float64Array;
}

export function makePointwiseLooArrays(nObs: number): PointwiseLooArrays {
  const make = (): Float64Array => new Float64Array(nObs);
  return {
    elpdLoo: make(),
    mcseElpdLoo: make(),
    pLoo: make(),
    looic: make(),
    paretoK: make(),
    rEff: make(),
    nEff: make(),
  };
}

/** Number of normal quantiles loo's `mcse_elpd` pushes through the log (its `n_samples`). */
const MCSE_SAMPLES = 1000;

/**
 * Blom (1958) approximate expected order statistics of a standard normal sample of size n:
 * Φ⁻¹((r - 3/8)/(n + 1/4)), r = 1 … n — the deterministic "draws" loo's `mcse_elpd` uses.
 */
export function blomScores(n: number): Float64Array {
  const z = new Float64Array(n);
  for (let r = 1; r <= n; r++) z[r - 1] = normalQuantile((r - 3 / 8) / (n - 2 * (3 / 8) + 1));
  return z;
}

/** Computes one observation at a time, reusing its buffers (no allocation per observation). */
export class PointwiseLoo {
  private readonly sortedLogLik: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly psis: PsisWorkspace;
  private readonly blom = blomScores(MCSE_SAMPLES);

  constructor(readonly nDraws: number) {
    this.sortedLogLik = new Float64Array(nDraws);
    this.logWeights = new Float64Array(nDraws);
    this.psis = new PsisWorkspace(nDraws);
  }

  /** Fills entry i of `out` from logLik (the observation's S draws, any order; not modified). */
  compute(logLik: Float64Array, rEff: number, out: PointwiseLooArrays, i: number): void {
    const s = this.nDraws;
    const ll = this.sortedLogLik;
    ll.set(logLik.subarray(0, s));
    ll.sort();
    const llMin = ll[0];
    // log ratios -ll shifted to a maximum of 0, ascending: lw[t] pairs with ll[s - 1 - t]
    const lw = this.logWeights;
    for (let t = 0; t < s; t++) lw[t] = llMin - ll[s - 1 - t];
    const k = smoothSortedLogWeights(lw, paretoTailLength(rEff, s), this.psis);
    const maxLogRatio = -llMin;
    for (let t = 0; t < s; t++) lw[t] += maxLogRatio;
    const logNorm = logSumExp(lw);
    for (let t = 0; t < s; t++) lw[t] -= logNorm;

    // elpd_loo = log Σ exp(ll + lw); lpd = log mean exp(ll)
    let maxA = -Infinity;
    for (let t = 0; t < s; t++) maxA = Math.max(maxA, ll[s - 1 - t] + lw[t]);
    let sumA = 0;
    for (let t = 0; t < s; t++) sumA += Math.exp(ll[s - 1 - t] + lw[t] - maxA);
    const elpd = maxA + Math.log(sumA);
    const lpd = logSumExp(ll) - Math.log(s);

    // Monte Carlo SE (loo's mcse_elpd): variance of the IS estimate of exp(elpd_loo), pushed through the log with a
    // normal approximation evaluated at Blom scores, then divided by r_eff.
    const expectedLik = Math.exp(elpd);
    let varLik = 0;
    let sumW2 = 0;
    for (let t = 0; t < s; t++) {
      const w2 = Math.exp(lw[t]) ** 2;
      const dev = Math.exp(ll[s - 1 - t]) - expectedLik;
      varLik += w2 * dev * dev;
      sumW2 += w2;
    }
    const varElpd = logNormalScoresVariance(expectedLik, Math.sqrt(varLik), this.blom);

    out.elpdLoo[i] = elpd;
    out.mcseElpdLoo[i] = Math.sqrt(varElpd / rEff);
    out.pLoo[i] = lpd - elpd;
    out.looic[i] = -2 * elpd;
    out.paretoK[i] = k;
    out.rEff[i] = rEff;
    out.nEff[i] = (1 / sumW2) * rEff;
  }
}

/** Sample variance (denominator n - 1) of log(mean + sd·z) over the scores z with a positive argument; NaN if < 2. */
function logNormalScoresVariance(mean: number, sd: number, z: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (let r = 0; r < z.length; r++) {
    const v = mean + sd * z[r];
    if (v > 0) {
      n++;
      sum += Math.log(v);
    }
  }
  if (n < 2) return NaN;
  const avg = sum / n;
  let ss = 0;
  for (let r = 0; r < z.length; r++) {
    const v = mean + sd * z[r];
    if (v > 0) ss += (Math.log(v) - avg) ** 2;
  }
  return ss / (n - 1);
}

/** log Σ exp(x), stable. */
export function logSumExp(x: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i] - max);
  return max + Math.log(sum);
}
