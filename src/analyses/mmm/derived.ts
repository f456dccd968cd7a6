/**
 * What the media-mix model's posterior says about the channels, per draw, in original units: contributions over
 * time (yScale · β_c · s_c,t), ROAS (contribution over the data ÷ spend over the data, both summed over the weeks of
 * the data; carry-over beyond the last week is not counted) and response curves (contribution over the data when every
 * week's spend of a channel is multiplied by m — adstock is linear, so the adstocked series scales by m too).
 */
import { quantileSorted } from '../../numeric/quantile.js';
import type { MmmDesign } from '../../model/mmm/design.js';
import { adstock, adstockWeights, hillSaturation, logisticSaturation } from '../../model/mmm/media.js';
import type { MmmLayout } from '../../model/mmm/model.js';

/** Constrained parameter vectors of the posterior draws, row-major: theta[d · size + i]. */
export interface MmmDraws {
  readonly count: number;
  readonly size: number;
  readonly theta: Float64Array;
}

export interface Interval {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

/** Mean and central interval (type-7 quantiles) of values; sorts a copy. */
export function intervalOf(values: Float64Array, level = 0.9): Interval {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of values) sum += v;
  const tail = (1 - level) / 2;
  return { mean: sum / values.length, lower: quantileSorted(sorted, tail), upper: quantileSorted(sorted, 1 - tail) };
}

/** Mean and interval of `count` consecutive blocks of D draws, starting at block `first`. */
function bands(values: Float64Array, first: number, count: number, D: number, level: number): { mean: Float64Array; lower: Float64Array; upper: Float64Array } {
  const mean = new Float64Array(count);
  const lower = new Float64Array(count);
  const upper = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const iv = intervalOf(values.subarray((first + k) * D, (first + k + 1) * D), level);
    mean[k] = iv.mean;
    lower[k] = iv.lower;
    upper[k] = iv.upper;
  }
  return { mean, lower, upper };
}

function saturate(design: MmmDesign, layout: MmmLayout, theta: Float64Array, base: number, c: number, a: number): number {
  const p1 = theta[base + layout.sat1 + c];
  return design.settings.saturation === 'hill' ? hillSaturation(a, p1, theta[base + layout.sat2 + c]) : logisticSaturation(a, p1);
}

export interface ChannelSummary {
  readonly channel: string;
  readonly spend: number;
  readonly contribution: Interval;
  readonly roas: Interval;
  /** Per-draw ROAS (for recovery checks and the report). */
  readonly roasDraws: Float64Array;
  /** Per-week contribution: mean and 90% interval per week. */
  readonly overTime: { readonly mean: Float64Array; readonly lower: Float64Array; readonly upper: Float64Array };
}

export interface ResponseCurve {
  readonly channel: string;
  readonly multipliers: Float64Array;
  /** Spend over the data at each multiplier (original units). */
  readonly spend: Float64Array;
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Adstocked scaled spend of every channel at one draw, channel-major, into a (C·T). */
function adstocked(design: MmmDesign, layout: MmmLayout, draws: MmmDraws, d: number, w: Float64Array, a: Float64Array): void {
  const T = design.T;
  for (let c = 0; c < design.channels.length; c++) {
    adstockWeights(draws.theta[d * draws.size + layout.decay + c], w);
    adstock(design.x, c * T, T, w, a, c * T);
  }
}

export function channelSummaries(design: MmmDesign, layout: MmmLayout, draws: MmmDraws, level = 0.9): ChannelSummary[] {
  const C = design.channels.length;
  const T = design.T;
  const D = draws.count;
  const w = new Float64Array(design.settings.maxLag);
  const a = new Float64Array(C * T);
  const perWeek = new Float64Array(C * T * D);
  const total = new Float64Array(C * D);
  for (let d = 0; d < D; d++) {
    adstocked(design, layout, draws, d, w, a);
    const base = d * draws.size;
    for (let c = 0; c < C; c++) {
      const scale = design.yScale * draws.theta[base + layout.beta + c];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const v = scale * saturate(design, layout, draws.theta, base, c, a[c * T + t]);
        perWeek[(c * T + t) * D + d] = v;
        sum += v;
      }
      total[c * D + d] = sum;
    }
  }
  return design.channels.map((channel, c) => {
    const contributions = total.subarray(c * D, (c + 1) * D);
    const roasDraws = contributions.map((v) => v / design.spendTotal[c]);
    return {
      channel,
      spend: design.spendTotal[c],
      contribution: intervalOf(contributions, level),
      roas: intervalOf(roasDraws, level),
      roasDraws,
      overTime: bands(perWeek, c * T, T, D, level),
    };
  });
}

export const DEFAULT_MULTIPLIERS = Float64Array.from({ length: 21 }, (_, i) => i / 10);

export function responseCurves(
  design: MmmDesign,
  layout: MmmLayout,
  draws: MmmDraws,
  multipliers: Float64Array = DEFAULT_MULTIPLIERS,
  level = 0.9,
): ResponseCurve[] {
  const C = design.channels.length;
  const T = design.T;
  const D = draws.count;
  const M = multipliers.length;
  const w = new Float64Array(design.settings.maxLag);
  const a = new Float64Array(C * T);
  const values = new Float64Array(C * M * D);
  for (let d = 0; d < D; d++) {
    adstocked(design, layout, draws, d, w, a);
    const base = d * draws.size;
    for (let c = 0; c < C; c++) {
      const scale = design.yScale * draws.theta[base + layout.beta + c];
      for (let m = 0; m < M; m++) {
        let sum = 0;
        for (let t = 0; t < T; t++) sum += saturate(design, layout, draws.theta, base, c, multipliers[m] * a[c * T + t]);
        values[(c * M + m) * D + d] = scale * sum;
      }
    }
  }
  return design.channels.map((channel, c) => {
    return { channel, multipliers, spend: multipliers.map((m) => m * design.spendTotal[c]), ...bands(values, c * M, M, D, level) };
  });
}
