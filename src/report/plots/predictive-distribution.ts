/**
 * The observed outcome against outcomes replicated from the posterior (the "y vs y_rep" plots of a posterior
 * predictive check, Gabry et al. 2019, "Visualization in Bayesian workflow", JRSS A 182(2), section 5):
 *  - counts: the share of rows at each count 0 … K (the rest pooled as "≥ K"), observed as bars, replicated as the
 *    mean share over the replicated data sets with its 5%–95% range;
 *  - continuous outcomes: a histogram of y (bars, as a density) with the same histogram of each replicated data set
 *    as a line; the bins span the 0.5%–99.5% quantiles of y and the replicates together (values outside are left
 *    out, and the subtitle says so), on a log axis for positive outcomes (lognormal, gamma) when asked.
 * Bins are computed here, so the page carries a few hundred numbers, not every replicated row.
 */
import { quantileSorted } from '../../numeric/quantile.js';
import { PLOT_HEIGHT, PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface PredictiveOptions {
  readonly title?: string;
  /** Name of the outcome for the axis. */
  readonly outcome?: string;
}

function share(count: number, n: number): number {
  return n === 0 ? 0 : count / n;
}

/** Largest count shown on its own: the 99th percentile of y and the replicates together, at most 40. */
function countCap(y: ArrayLike<number>, replicates: readonly ArrayLike<number>[]): number {
  const all = Float64Array.from([...Array.from(y), ...replicates.flatMap((r) => Array.from(r))]).sort();
  return Math.max(1, Math.min(40, Math.ceil(quantileSorted(all, 0.99))));
}

/** Shares of rows at 0 … cap − 1 and at ≥ cap. */
function countShares(y: ArrayLike<number>, cap: number): Float64Array {
  const counts = new Float64Array(cap + 1);
  for (let i = 0; i < y.length; i++) counts[Math.min(cap, Math.max(0, Math.round(y[i])))]++;
  return counts.map((c) => share(c, y.length));
}

export function countsOverlaySpec(y: ArrayLike<number>, replicates: readonly ArrayLike<number>[], options: PredictiveOptions = {}): PlotSpec {
  if (replicates.length === 0) throw new Error('posterior predictive plot: no replicated data sets');
  const cap = countCap(y, replicates);
  const observed = countShares(y, cap);
  const reps = replicates.map((r) => countShares(r, cap));
  const label = (k: number): string => (k === cap ? `≥${cap}` : String(k));
  const order = Array.from({ length: cap + 1 }, (_, k) => label(k));
  const bars: Datum[] = [];
  const ranges: Datum[] = [];
  for (let k = 0; k <= cap; k++) {
    bars.push({ count: label(k), share: observed[k] });
    const at = Float64Array.from(reps, (r) => r[k]).sort();
    let sum = 0;
    for (const v of at) sum += v;
    ranges.push({ count: label(k), mean: sum / at.length, low: quantileSorted(at, 0.05), high: quantileSorted(at, 0.95) });
  }
  const x = { field: 'count', type: 'ordinal' as const, sort: order, title: options.outcome ?? 'y' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Posterior predictive check: counts',
      subtitle: `observed share of rows (bars); replicated mean (dots) and 5%–95% range (lines) over ${replicates.length} data sets`,
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      { data: { values: bars }, mark: { type: 'bar', color: '#8fa9c8' }, encoding: { x, y: { field: 'share', type: 'quantitative', title: 'share of rows' } } },
      { data: { values: ranges }, mark: { type: 'rule', color: '#c0392b' }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { data: { values: ranges }, mark: { type: 'point', color: '#c0392b', filled: true }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
    ],
  };
}

export interface DensityOverlayOptions extends PredictiveOptions {
  /** Bin on log y (positive outcomes). Default false. */
  readonly logScale?: boolean;
  /** Number of bins; default 30. */
  readonly bins?: number;
}

export function densityOverlaySpec(y: ArrayLike<number>, replicates: readonly ArrayLike<number>[], options: DensityOverlayOptions = {}): PlotSpec {
  if (replicates.length === 0) throw new Error('posterior predictive plot: no replicated data sets');
  const log = options.logScale === true;
  const t = (v: number): number => (log ? Math.log(v) : v);
  const all = Float64Array.from([...Array.from(y), ...replicates.flatMap((r) => Array.from(r))].map(t).filter(Number.isFinite)).sort();
  let lo = quantileSorted(all, 0.005);
  let hi = quantileSorted(all, 0.995);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const bins = options.bins ?? 30;
  const width = (hi - lo) / bins;
  const density = (values: ArrayLike<number>): Float64Array => {
    const counts = new Float64Array(bins);
    for (let i = 0; i < values.length; i++) {
      const v = t(values[i]);
      if (!(v >= lo && v <= hi)) continue;
      counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    }
    return counts.map((c) => c / (values.length * width));
  };
  const observed = density(y);
  const bars: Datum[] = Array.from(observed, (d, b) => ({ start: lo + b * width, end: lo + (b + 1) * width, density: d }));
  const lines: Datum[] = replicates.flatMap((r, j) => Array.from(density(r), (d, b) => ({ x: lo + (b + 0.5) * width, density: d, replicate: j + 1 })));
  const outside = all.length - all.filter((v) => v >= lo && v <= hi).length;
  const axis = log ? `log ${options.outcome ?? 'y'}` : (options.outcome ?? 'y');
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'Posterior predictive check: distribution of y',
      subtitle: [
        `observed (bars) and ${replicates.length} replicated data sets (lines), as densities${log ? ' of log y' : ''}`,
        ...(outside > 0 ? [`${outside} of ${all.length} values outside the 0.5%–99.5% range left out`] : []),
      ],
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rect', color: '#8fa9c8' },
        encoding: { x: { field: 'start', type: 'quantitative', title: axis }, x2: { field: 'end' }, y: { field: 'density', type: 'quantitative', title: 'density' } },
      },
      {
        data: { values: lines },
        mark: { type: 'line', color: '#c0392b', opacity: 0.35, strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' }, detail: { field: 'replicate', type: 'nominal' } },
      },
    ],
  };
}
