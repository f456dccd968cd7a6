/**
 * PSIS-LOO for one observation from its S log-likelihood draws, as R's loo 2.5.1 `pointwise_loo_calcs`:
 * log ratios = -log_lik, PSIS-smoothed and normalised weights w, then
 *   elpd_loo = log Σ_s w_s p(y|θ_s),   lpd = log mean_s p(y|θ_s),   p_loo = lpd - elpd_loo,   looic = -2·elpd_loo,
 * the Monte Carlo SE of elpd_loo (loo's `mcse_elpd`, below) and the PSIS effective sample size
 * n_eff = r_eff / Σ_s w_s².
 *
 * Log ratios are a function of the log-likelihood, so ordering the log-likelihood orders the weights and keeps each
 * weight next to the likelihood it multiplies; only the tail needs an order (see ../numeric/select.ts).
 */
import { normalQuantile } from '../numeric/normal-quantile.js';
import { MIN_TAIL_LENGTH, PsisWorkspace, paretoTailLength, smoothTail } from './psis.js';
import { partialSortSmallest } from '../numeric/select.js';
import * as pm from '../numeric/portable-math.js';

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
export const MCSE_SAMPLES = 1000;

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
  /** The draws' log-likelihood, the M + 1 smallest first (sorted), the rest unordered. */
  private readonly ll: Float64Array;
  /** Log weights, then (in place) normalised weights; paired with ll by index. */
  private readonly lw: Float64Array;
  /** exp(ll - max ll), paired with ll by index. */
  private readonly lik: Float64Array;
  private readonly tail: Float64Array;
  private readonly psis: PsisWorkspace;
  private readonly blom = blomScores(MCSE_SAMPLES);
  private readonly blomLogs = new Float64Array(MCSE_SAMPLES);

  constructor(readonly nDraws: number) {
    this.ll = new Float64Array(nDraws);
    this.lw = new Float64Array(nDraws);
    this.lik = new Float64Array(nDraws);
    this.tail = new Float64Array(nDraws);
    this.psis = new PsisWorkspace(nDraws);
  }

  /** Fills entry i of `out` from logLik (the observation's S draws, any order; not modified). */
  compute(logLik: Float64Array, rEff: number, out: PointwiseLooArrays, i: number): void {
    const s = this.nDraws;
    const { ll, lw, lik } = this;
    ll.set(logLik.subarray(0, s));
    // The largest log ratios -ll are the smallest ll: the tail is ll[0 … m), the cutoff ll[m].
    const m = paretoTailLength(rEff, s);
    const smoothed = m >= MIN_TAIL_LENGTH;
    if (smoothed) partialSortSmallest(ll, m + 1);
    let llMin = ll[0];
    let llMax = ll[0];
    for (let t = 1; t < s; t++) {
      if (ll[t] < llMin) llMin = ll[t];
      if (ll[t] > llMax) llMax = ll[t];
    }
    // log ratios shifted to a maximum of 0 (loo: log_ratios - max(log_ratios))
    for (let t = 0; t < s; t++) lw[t] = llMin - ll[t];
    let k = Infinity;
    if (smoothed) {
      const tail = this.tail.subarray(0, m);
      for (let j = 0; j < m; j++) tail[j] = lw[m - 1 - j]; // ascending
      k = smoothTail(tail, lw[m], this.psis);
      for (let j = 0; j < m; j++) lw[m - 1 - j] = tail[j];
    }
    // truncation at the largest raw weight; then normalised weights w = exp(lw) / Σ exp(lw) (the shift cancels)
    let sumW = 0;
    for (let t = 0; t < s; t++) {
      if (lw[t] > 0) lw[t] = 0;
      sumW += lw[t] = pm.exp(lw[t]);
    }
    let sumLik = 0;
    let sumWLik = 0;
    let sumW2 = 0;
    for (let t = 0; t < s; t++) {
      const w = (lw[t] /= sumW);
      const q = (lik[t] = pm.exp(ll[t] - llMax));
      sumLik += q;
      sumWLik += w * q;
      sumW2 += w * w;
    }
    const elpd = llMax + pm.log(sumWLik);
    const lpd = llMax + pm.log(sumLik) - pm.log(s);

    // Monte Carlo SE (loo's mcse_elpd): variance of the IS estimate of exp(elpd_loo), pushed through the log with a
    // normal approximation evaluated at Blom scores, then divided by r_eff.
    const expectedLik = pm.exp(elpd);
    const likScale = pm.exp(llMax);
    let varLik = 0;
    for (let t = 0; t < s; t++) {
      const dev = lik[t] * likScale - expectedLik;
      varLik += lw[t] * lw[t] * dev * dev;
    }
    const varElpd = logNormalScoresVariance(expectedLik, Math.sqrt(varLik), this.blom, this.blomLogs);

    out.elpdLoo[i] = elpd;
    out.mcseElpdLoo[i] = Math.sqrt(varElpd / rEff);
    out.pLoo[i] = lpd - elpd;
    out.looic[i] = -2 * elpd;
    out.paretoK[i] = k;
    out.rEff[i] = rEff;
    out.nEff[i] = (1 / sumW2) * rEff;
  }
}

/**
 * Sample variance (denominator n - 1) of log(mean + sd·z) over the scores z with a positive argument; NaN if fewer
 * than 2. `logs` is scratch with room for every score.
 */
function logNormalScoresVariance(mean: number, sd: number, z: Float64Array, logs: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (let r = 0; r < z.length; r++) {
    const v = mean + sd * z[r];
    if (v > 0) sum += logs[n++] = pm.log(v);
  }
  if (n < 2) return NaN;
  const avg = sum / n;
  let ss = 0;
  for (let r = 0; r < n; r++) ss += (logs[r] - avg) ** 2;
  return ss / (n - 1);
}
