/**
 * Raw conversion by arm (treated vs control) and by segment, and the naive lift (treated rate − control rate):
 * exact counts, no model. The reality check before any modelling, and the "naive" column beside the partially pooled
 * effects.
 */
import { requireColumn, requireZeroOne } from '../data/checks.js';
import type { Frame } from '../data/frame.js';
import { UserError } from '../errors.js';

export interface ArmCount {
  readonly n: number;
  readonly conversions: number;
  /** conversions / n (NaN for an empty arm). */
  readonly rate: number;
}

export interface SegmentRawRates {
  readonly segment: string;
  readonly control: ArmCount;
  readonly treated: ArmCount;
  /** treated.rate − control.rate (NaN when an arm is empty). */
  readonly rawLift: number;
}

export interface RawRates {
  readonly control: ArmCount;
  readonly treated: ArmCount;
  readonly rawLift: number;
  /** rawLift / control.rate. */
  readonly relativeLift: number;
  /** Per level of the segment factor, in level order; empty when no segment was given. */
  readonly segments: readonly SegmentRawRates[];
}

function arm(n: number, conversions: number): ArmCount {
  return { n, conversions, rate: n > 0 ? conversions / n : NaN };
}

/**
 * Counts from per-row arrays: `treatment` and `y` hold 0/1; `segment` (optional) gives each row's 0-based level in
 * `levels`.
 */
export function rawRates(
  treatment: ArrayLike<number>,
  y: ArrayLike<number>,
  segment?: { readonly codes: ArrayLike<number>; readonly levels: readonly string[] },
): RawRates {
  const n = y.length;
  if (treatment.length !== n) throw new Error(`rawRates: ${treatment.length} treatment values for ${n} outcomes`);
  const K = segment?.levels.length ?? 0;
  // counts[(k · 2 + t) · 2 + {0: rows, 1: conversions}], k = K for the total
  const counts = new Float64Array((K + 1) * 4);
  for (let i = 0; i < n; i++) {
    const t = treatment[i] === 1 ? 1 : 0;
    counts[(K * 2 + t) * 2] += 1;
    counts[(K * 2 + t) * 2 + 1] += y[i];
    if (segment) {
      const k = segment.codes[i];
      counts[(k * 2 + t) * 2] += 1;
      counts[(k * 2 + t) * 2 + 1] += y[i];
    }
  }
  const cell = (k: number, t: number): ArmCount => arm(counts[(k * 2 + t) * 2], counts[(k * 2 + t) * 2 + 1]);
  const control = cell(K, 0);
  const treated = cell(K, 1);
  const segments: SegmentRawRates[] = [];
  for (let k = 0; k < K; k++) {
    const c = cell(k, 0);
    const t = cell(k, 1);
    segments.push({ segment: segment!.levels[k], control: c, treated: t, rawLift: t.rate - c.rate });
  }
  const rawLift = treated.rate - control.rate;
  return { control, treated, rawLift, relativeLift: rawLift / control.rate, segments };
}

export interface RawRateColumns {
  /** 0/1 column: 1 = treated (e.g. "treatment"). */
  readonly treatment: string;
  /** 0/1 outcome column (e.g. "conversion"). */
  readonly outcome: string;
  /** Categorical column to break the rates down by (e.g. "history_segment"). */
  readonly segment?: string;
}

/** rawRates on a frame's columns, each checked (present, complete, 0/1, categorical segment) with a UserError. */
export function rawRatesOfFrame(frame: Frame, columns: RawRateColumns): RawRates {
  const treatment = requireZeroOne(frame, columns.treatment, { role: 'a treatment indicator', advice: 'code it 0/1' });
  const y = requireZeroOne(frame, columns.outcome, { role: 'a 0/1 outcome', advice: 'recode it as 0/1' });
  if (columns.segment === undefined) return rawRates(treatment, y);
  const column = requireColumn(frame, columns.segment);
  if (column.kind !== 'categorical') {
    throw new UserError(`${frame.source}: segment column "${columns.segment}" is ${column.kind}, not categorical; give a column of labels`);
  }
  if (frame.missing.get(columns.segment)?.length) {
    throw new UserError(`${frame.source}: segment column "${columns.segment}" has missing values; fill them in or drop those rows`);
  }
  return rawRates(treatment, y, { codes: column.codes, levels: column.levels });
}
