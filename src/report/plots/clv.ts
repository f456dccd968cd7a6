/**
 * Plots of `nutmeg clv`'s report: the distribution over customers of a per-customer posterior mean (P(alive),
 * expected value), binned here so the page holds bars rather than one datum per customer, and the holdout check
 * (mean holdout purchases by calibration frequency, observed against predicted with its 90% interval).
 */
import type { HoldoutBin } from '../../analyses/clv/predictions.js';
import { PLOT_HEIGHT, PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface HistogramOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly xTitle: string;
  readonly bins?: number;
  /** Lower and upper end of the bins; values above the upper end are counted in the last bin. */
  readonly range: readonly [number, number];
}

/** Customers per bin of `values` over options.range (equal widths). */
export function binCounts(values: ArrayLike<number>, bins: number, lo: number, hi: number): Float64Array {
  const counts = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const k = width > 0 ? Math.floor((values[i] - lo) / width) : 0;
    counts[Math.max(0, Math.min(bins - 1, k))]++;
  }
  return counts;
}

export function customerHistogramSpec(values: ArrayLike<number>, o: HistogramOptions): PlotSpec {
  const bins = o.bins ?? 20;
  const [lo, hi] = o.range;
  const counts = binCounts(values, bins, lo, hi);
  const width = (hi - lo) / bins;
  const data: Datum[] = Array.from(counts, (n, k) => ({ from: lo + k * width, to: lo + (k + 1) * width, customers: n }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values: data },
    mark: { type: 'rect', color: '#4c78a8' },
    encoding: {
      x: { field: 'from', type: 'quantitative', title: o.xTitle, scale: { domain: [lo, hi] } },
      x2: { field: 'to' },
      y: { field: 'customers', type: 'quantitative', title: 'customers' },
      tooltip: [
        { field: 'from', type: 'quantitative', format: '.3~g' },
        { field: 'to', type: 'quantitative', format: '.3~g' },
        { field: 'customers', type: 'quantitative' },
      ],
    },
  };
}

export function holdoutCalibrationSpec(bins: readonly HoldoutBin[], holdoutWeeks: number): PlotSpec {
  if (bins.length === 0) throw new Error('holdout plot: no bins');
  const order = bins.map((b) => b.label);
  const values: Datum[] = bins.flatMap((b) => [
    { bin: b.label, series: 'observed', purchases: b.observed, lower: null, upper: null, customers: b.customers },
    { bin: b.label, series: 'predicted (posterior mean, 90% interval)', purchases: b.predicted, lower: b.lower, upper: b.upper, customers: b.customers },
  ]);
  const x = { field: 'bin', type: 'ordinal' as const, sort: order, title: 'repeat purchases in the calibration period' };
  const color = { field: 'series', type: 'nominal' as const, title: null, legend: { orient: 'top' as const } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `Holdout check: purchases in the ${holdoutWeeks}-week holdout`, subtitle: 'mean per customer, by calibration frequency' },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    layer: [
      {
        transform: [{ filter: 'datum.lower !== null' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color },
      },
      {
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: {
          x,
          y: { field: 'purchases', type: 'quantitative', title: 'mean holdout purchases per customer' },
          color,
          tooltip: [
            { field: 'bin', type: 'ordinal' },
            { field: 'series', type: 'nominal' },
            { field: 'purchases', type: 'quantitative', format: '.3f' },
            { field: 'customers', type: 'quantitative' },
          ],
        },
      },
    ],
  };
}
