/**
 * Relative efficiency r_eff of each observation's likelihood draws, as R's loo 2.5.1 computes it with
 * `relative_eff(exp(log_lik), chain_id)`: the effective sample size of the mean of exp(log_lik) over the chains
 * (loo's `ess_rfun`, the multi-chain ESS of Stan's `effective_sample_size` / Vehtari et al. 2021 without rank
 * normalisation or chain splitting, Geyer's initial positive and monotone sequences), divided by the number of draws.
 *
 * Two details of loo's code are kept because they change the numbers: the autocovariance is scaled by
 * M / n² where M is the next FFT-friendly size ≥ n (it equals the usual biased estimate only when n is a product of
 * 2, 3 and 5), and when Geyer's sequence stops at once the sum over lags counts lag 0 (R's `x[1:0]` is `x[1]`).
 */
import type { FftPlan } from '../numeric/fft.js';
import { fft, fftPlan, nextPowerOfTwo } from '../numeric/fft.js';
import { UserError } from '../errors.js';
import * as pm from '../numeric/portable-math.js';

/** Lags computed by direct sums before switching to one FFT for all lags (direct costs lags × draws). */
export const DIRECT_LAGS = 64;

/** Which draws belong to which chain; chains must all have the same number of draws (as loo requires). */
export interface ChainLayout {
  readonly nChains: number;
  readonly drawsPerChain: number;
  /** order[c · drawsPerChain + d] = index of the d-th draw of chain c, in the order the draws were given. */
  readonly order: Uint32Array;
}

/** Groups draws by chain label (labels sorted ascending become chains 0, 1, …). */
export function chainLayout(chainOfDraw: Uint32Array): ChainLayout {
  const labels = [...new Set(chainOfDraw)].sort((a, b) => a - b);
  const chainIndex = new Map(labels.map((label, c) => [label, c]));
  const counts = new Uint32Array(labels.length);
  for (const label of chainOfDraw) counts[chainIndex.get(label)!]++;
  const drawsPerChain = counts[0] ?? 0;
  for (let c = 0; c < labels.length; c++) {
    if (counts[c] !== drawsPerChain) {
      throw new UserError(
        `chain ${labels[c]} has ${counts[c]} draws but chain ${labels[0]} has ${drawsPerChain}; r_eff needs chains ` +
          'of equal length (drop the extra draws, or use r_eff = 1)',
      );
    }
  }
  const order = new Uint32Array(chainOfDraw.length);
  const filled = new Uint32Array(labels.length);
  chainOfDraw.forEach((label, s) => {
    const c = chainIndex.get(label)!;
    order[c * drawsPerChain + filled[c]++] = s;
  });
  return { nChains: labels.length, drawsPerChain, order };
}

/** The smallest n' ≥ n whose only prime factors are 2, 3 and 5 (loo's `fft_next_good_size`; 2 for n ≤ 2). */
export function fftNextGoodSize(n: number): number {
  if (n <= 2) return 2;
  for (let size = n; ; size++) {
    let m = size;
    while (m % 2 === 0) m /= 2;
    while (m % 3 === 0) m /= 3;
    while (m % 5 === 0) m /= 5;
    if (m <= 1) return size;
  }
}

/**
 * Reusable work space for `essMean`, sized for one layout. Autocovariances are computed lag by lag, only as far as
 * Geyer's sequence needs them (usually a handful of lags, O(draws × lags)); past `directLags` lags every remaining
 * lag comes from one zero-padded FFT per chain (O(draws · log draws)), for slowly mixing chains.
 */
export class EssWorkspace {
  /** Centered draws, chain-major. */
  private readonly centered: Float64Array;
  private readonly chainMean: Float64Array;
  /** Mean over chains of the autocovariance at each lag computed so far. */
  private readonly acov: Float64Array;
  private readonly rho: Float64Array;
  private lagsDone = 0;
  private fftRe: Float64Array | null = null;
  private fftIm: Float64Array | null = null;
  private plan: FftPlan | null = null;

  constructor(
    readonly nChains: number,
    readonly drawsPerChain: number,
    private readonly directLags: number = DIRECT_LAGS,
  ) {
    this.centered = new Float64Array(nChains * drawsPerChain);
    this.chainMean = new Float64Array(nChains);
    this.acov = new Float64Array(drawsPerChain);
    this.rho = new Float64Array(drawsPerChain);
  }

  /**
   * Effective sample size of the mean of `values` (chain-major: values[c · n + d]), as loo's `ess_rfun`.
   */
  essMean(values: Float64Array): number {
    const { nChains: chains, drawsPerChain: n, centered, chainMean } = this;
    for (let c = 0; c < chains; c++) {
      let sum = 0;
      for (let d = 0; d < n; d++) sum += values[c * n + d];
      let mean = sum / n;
      let correction = 0; // second pass, as R's mean() does
      for (let d = 0; d < n; d++) correction += values[c * n + d] - mean;
      mean += correction / n;
      chainMean[c] = mean;
      for (let d = 0; d < n; d++) centered[c * n + d] = values[c * n + d] - mean;
    }
    this.lagsDone = 0;
    const meanVar = (this.autocovariance(0) * n) / (n - 1);
    let varPlus = (meanVar * (n - 1)) / n;
    if (chains > 1) varPlus += sampleVariance(chainMean);

    const rho = this.rho;
    rho.fill(0);
    let t = 0;
    let rhoEven = 1;
    rho[0] = rhoEven;
    let rhoOdd = 1 - (meanVar - this.autocovariance(1)) / varPlus;
    rho[1] = rhoOdd;
    // Geyer's initial positive sequence
    while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
      t += 2;
      rhoEven = 1 - (meanVar - this.autocovariance(t)) / varPlus;
      rhoOdd = 1 - (meanVar - this.autocovariance(t + 1)) / varPlus;
      if (rhoEven + rhoOdd >= 0) {
        rho[t] = rhoEven;
        rho[t + 1] = rhoOdd;
      }
    }
    const maxT = t;
    if (rhoEven > 0) rho[maxT] = rhoEven;
    // Geyer's initial monotone sequence
    t = 0;
    while (t <= maxT - 4) {
      t += 2;
      if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
        rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
        rho[t + 1] = rho[t];
      }
    }
    let sum = 0;
    if (maxT === 0) sum = rho[0]; // R: sum(rho[1:0]) is rho[1]
    else for (let i = 0; i < maxT; i++) sum += rho[i];
    const total = chains * n;
    const tau = Math.max(-1 + 2 * sum + rho[maxT], 1 / pm.log10(total));
    return total / tau;
  }

  /** Mean over chains of loo's autocovariance at `lag` (computing every lag up to it that is still missing). */
  private autocovariance(lag: number): number {
    const { nChains: chains, drawsPerChain: n, centered, acov } = this;
    const scale = fftNextGoodSize(n) / (n * n);
    if (lag >= this.directLags && this.lagsDone <= lag) this.fftAutocovariance(scale);
    while (this.lagsDone <= lag) {
      const l = this.lagsDone;
      let total = 0;
      for (let c = 0; c < chains; c++) {
        const base = c * n;
        let s = 0;
        for (let d = 0; d + l < n; d++) s += centered[base + d] * centered[base + d + l];
        total += s * scale;
      }
      acov[l] = total / chains;
      this.lagsDone++;
    }
    return acov[lag];
  }

  /** Fills acov from lagsDone to the end by FFT: lag sums are the inverse transform of |DFT(padded chain)|². */
  private fftAutocovariance(scale: number): void {
    const { nChains: chains, drawsPerChain: n, centered, acov } = this;
    const m = nextPowerOfTwo(2 * n);
    if (!this.fftRe || this.fftRe.length !== m) {
      this.fftRe = new Float64Array(m);
      this.fftIm = new Float64Array(m);
      this.plan = fftPlan(m);
    }
    const re = this.fftRe;
    const im = this.fftIm!;
    const plan = this.plan!;
    const from = this.lagsDone;
    acov.fill(0, from);
    for (let c = 0; c < chains; c++) {
      re.fill(0);
      im.fill(0);
      re.set(centered.subarray(c * n, (c + 1) * n));
      fft(re, im, plan);
      for (let k = 0; k < m; k++) {
        re[k] = re[k] * re[k] + im[k] * im[k];
        im[k] = 0;
      }
      fft(re, im, plan); // the power spectrum is real and even: its forward transform is m × the inverse
      for (let l = from; l < n; l++) acov[l] += ((re[l] / m) * scale) / chains;
    }
    this.lagsDone = n;
  }
}

/** Sample variance with denominator n - 1. */
function sampleVariance(x: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) * (x[i] - mean);
  return ss / (x.length - 1);
}

/**
 * r_eff of one observation: ESS of exp(logLik) over the chains divided by the number of draws. `logLik` holds the
 * observation's draws in their original order; `scratch` has room for all draws.
 */
export function relativeEff(
  logLik: Float64Array,
  layout: ChainLayout,
  workspace: EssWorkspace,
  scratch: Float64Array,
): number {
  const { order } = layout;
  for (let i = 0; i < order.length; i++) scratch[i] = pm.exp(logLik[order[i]]);
  return workspace.essMean(scratch) / order.length;
}
