/**
 * The budget optimiser of `nutmeg mmm --budget`: split a total budget across channels, within per-channel bounds, to
 * maximise the posterior expected media contribution over a horizon of H weeks.
 *
 * A split b (original currency, per channel, for the whole horizon) is spent evenly, b_c / H a week for H weeks,
 * and its carry-over counted for the L − 1 weeks after (adstock window L). With normalised adstock weights w, the
 * adstocked scaled spend in week t is A_c,t = b_c · W_t / (H · scale_c), W_t = Σ_{l : 0 ≤ t−l < H} w_l, so the
 * expected contribution and its gradient are sums over draws and weeks of yScale · β_c · s_c(A_c,t). The set
 * {Σ b = total, lower ≤ b ≤ upper} is searched by projected gradient ascent (src/optimize/budget-simplex.ts) from the
 * current split, the equal split and the upper bounds' proportions, keeping the best. The answer is reported with the
 * posterior distribution of the horizon's media contribution under it and under the current split (the baseline —
 * intercept, trend, seasonality, controls — is the same under both, so the difference is the difference in outcome).
 */
import { UserError } from '../../errors.js';
import { maximizeOnBudget, projectOntoBudget, type BudgetSet } from '../../optimize/budget-simplex.js';
import type { MmmDesign } from '../../model/mmm/design.js';
import { intervalOf, type Interval, type MmmDraws } from './derived.js';
import { adstockWeights, saturationWithDerivatives } from '../../model/mmm/media.js';
import type { MmmLayout } from '../../model/mmm/model.js';

export interface BudgetRequest {
  /** Total budget over the horizon (original currency). */
  readonly total: number;
  /** Weeks the budget is spent over (default 8 in the CLI). */
  readonly horizon: number;
  /** Per-channel bounds on the horizon's spend; absent: 0 and total. */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
}

export interface BudgetAnswer {
  readonly channels: readonly string[];
  readonly total: number;
  readonly horizon: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** The current split: each channel's share of spend over the last `horizon` weeks of data, times the total. */
  readonly current: Float64Array;
  readonly optimised: Float64Array;
  /** Media contribution over the horizon (and carry-over), per split, and their per-draw difference. */
  readonly outcomeCurrent: Interval;
  readonly outcomeOptimised: Interval;
  readonly uplift: Interval;
  /** Share of draws in which the optimised split gives more than the current one. */
  readonly probabilityBetter: number;
  readonly converged: boolean;
}

/** Per-draw horizon response of each channel: β, saturation parameters and the W_t of its decay. */
export interface HorizonResponse {
  readonly design: MmmDesign;
  readonly horizon: number;
  readonly draws: number;
  readonly weeks: number;
  readonly beta: Float64Array;
  readonly p1: Float64Array;
  readonly p2: Float64Array;
  /** W[(c · D + d) · weeks + t]. */
  readonly W: Float64Array;
  /** Scratch for saturationWithDerivatives. */
  readonly sat: Float64Array;
}

export function horizonResponse(design: MmmDesign, layout: MmmLayout, draws: MmmDraws, horizon: number): HorizonResponse {
  const C = design.channels.length;
  const D = draws.count;
  const L = design.settings.maxLag;
  const weeks = horizon + L - 1;
  const beta = new Float64Array(C * D);
  const p1 = new Float64Array(C * D);
  const p2 = new Float64Array(C * D);
  const W = new Float64Array(C * D * weeks);
  const w = new Float64Array(L);
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < D; d++) {
      const base = d * draws.size;
      beta[c * D + d] = draws.theta[base + layout.beta + c];
      p1[c * D + d] = draws.theta[base + layout.sat1 + c];
      p2[c * D + d] = layout.sat2 >= 0 ? draws.theta[base + layout.sat2 + c] : 0;
      adstockWeights(draws.theta[base + layout.decay + c], w);
      const row = (c * D + d) * weeks;
      for (let t = 0; t < weeks; t++) {
        let s = 0;
        for (let l = Math.max(0, t - horizon + 1); l <= Math.min(L - 1, t); l++) s += w[l];
        W[row + t] = s;
      }
    }
  }
  return { design, horizon, draws: D, weeks, beta, p1, p2, W, sat: new Float64Array(4) };
}

/**
 * Media contribution over the horizon of split b at draw d (original units), summed over channels; with grad, adds
 * its gradient with respect to b (per currency unit) to grad.
 */
export function horizonContribution(r: HorizonResponse, d: number, b: Float64Array, grad?: Float64Array): number {
  const { design, draws: D, weeks, sat } = r;
  let total = 0;
  for (let c = 0; c < design.channels.length; c++) {
    const k = b[c] / (r.horizon * design.spendScale[c]);
    const dk = 1 / (r.horizon * design.spendScale[c]);
    const i = c * D + d;
    const scale = design.yScale * r.beta[i];
    let sum = 0;
    let dsum = 0;
    for (let t = 0; t < weeks; t++) {
      const Wt = r.W[i * weeks + t];
      saturationWithDerivatives(design.settings.saturation, k * Wt, r.p1[i], r.p2[i], sat);
      sum += sat[0];
      dsum += sat[1] * Wt * dk;
    }
    total += scale * sum;
    if (grad !== undefined) grad[c] += scale * dsum;
  }
  return total;
}

/** Parses `tv=0:100,search=10:50` into lower/upper arrays over the channels (absent channels: 0 and total). */
export function parseBounds(text: string | undefined, channels: readonly string[], total: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(channels.length);
  const upper = new Float64Array(channels.length).fill(total);
  if (text === undefined || text.trim() === '') return { lower, upper };
  for (const part of text.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*([0-9.eE+]+)\s*:\s*([0-9.eE+]+)\s*$/.exec(part);
    if (m === null) throw new UserError(`--bounds: "${part}" is not channel=min:max (e.g. tv=0:50000)`);
    const c = channels.indexOf(m[1]);
    if (c < 0) throw new UserError(`--bounds: "${m[1]}" is not one of the channels (${channels.join(', ')})`);
    const lo = Number(m[2]);
    const hi = Number(m[3]);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo <= hi)) {
      throw new UserError(`--bounds: ${m[1]}=${m[2]}:${m[3]} needs 0 ≤ min ≤ max`);
    }
    lower[c] = lo;
    upper[c] = Math.min(hi, total);
  }
  return { lower, upper };
}

/** The current split: shares of spend over the last `horizon` weeks of data (all weeks if those had none). */
export function currentSplit(design: MmmDesign, total: number, horizon: number): Float64Array {
  const C = design.channels.length;
  const T = design.T;
  const recent = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    for (let t = Math.max(0, T - horizon); t < T; t++) recent[c] += design.x[c * T + t] * design.spendScale[c];
  }
  let sum = recent.reduce((s, v) => s + v, 0);
  const shares = sum > 0 ? recent : Float64Array.from(design.spendTotal);
  sum = shares.reduce((s, v) => s + v, 0);
  return shares.map((v) => (total * v) / sum);
}

/** The request's one-line errors (checked before fitting by runMmm, and again here). */
export function checkBudgetRequest(request: BudgetRequest): void {
  const { total, horizon } = request;
  if (!(total > 0 && Number.isFinite(total))) throw new UserError(`--budget: ${total} must be a positive number`);
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new UserError(`--horizon: ${horizon} must be a whole number of weeks ≥ 1`);
  const sumLower = request.lower?.reduce((s, v) => s + v, 0) ?? 0;
  const sumUpper = request.upper?.reduce((s, v) => s + v, 0) ?? Infinity;
  if (sumLower > total) throw new UserError(`--bounds: the minimums sum to ${sumLower}, more than --budget ${total}`);
  if (sumUpper < total) throw new UserError(`--bounds: the maximums sum to ${sumUpper}, less than --budget ${total}`);
}

export function optimiseBudget(design: MmmDesign, layout: MmmLayout, draws: MmmDraws, request: BudgetRequest): BudgetAnswer {
  const C = design.channels.length;
  const { total, horizon } = request;
  const lower = request.lower ?? new Float64Array(C);
  const upper = request.upper ?? new Float64Array(C).fill(total);
  checkBudgetRequest({ total, horizon, lower, upper });
  const set: BudgetSet = { total, lower, upper };
  const response = horizonResponse(design, layout, draws, horizon);
  const D = draws.count;
  const objective = (b: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let sum = 0;
    for (let d = 0; d < D; d++) sum += horizonContribution(response, d, b, grad);
    for (let c = 0; c < C; c++) grad[c] /= D;
    return sum / D;
  };
  const current = currentSplit(design, total, horizon);
  const starts = [current, new Float64Array(C).fill(total / C), Float64Array.from(upper)];
  let best: ReturnType<typeof maximizeOnBudget> | null = null;
  for (const start of starts) {
    const result = maximizeOnBudget(objective, start, set);
    if (best === null || result.value > best.value) best = result;
  }
  const optimised = best!.x;
  const feasibleCurrent = new Float64Array(C);
  projectOntoBudget(current, set, feasibleCurrent);
  const atCurrent = new Float64Array(D);
  const atOptimised = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    atCurrent[d] = horizonContribution(response, d, feasibleCurrent);
    atOptimised[d] = horizonContribution(response, d, optimised);
  }
  const uplift = atOptimised.map((v, d) => v - atCurrent[d]);
  let better = 0;
  for (const v of uplift) if (v > 0) better++;
  return {
    channels: design.channels,
    total,
    horizon,
    lower,
    upper,
    current: feasibleCurrent,
    optimised,
    outcomeCurrent: intervalOf(atCurrent),
    outcomeOptimised: intervalOf(atOptimised),
    uplift: intervalOf(uplift),
    probabilityBetter: better / D,
    converged: best!.converged,
  };
}
