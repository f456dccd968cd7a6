/**
 * Interval plots: one row per label with the posterior mean as a point and an interval (e.g. 10%–90%) as a bar, and
 * a dashed line at zero. Used for the forest plot of effects by segment (log-odds scale) and for uplift by segment
 * (probability scale).
 */
import { PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface IntervalRow {
  readonly label: string;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

export interface IntervalPlotOptions {
  readonly title: string;
  /** Axis title of the value axis. */
  readonly valueTitle: string;
  /** Name of the interval in the tooltip and subtitle, e.g. "10%–90%". */
  readonly intervalName: string;
  /** d3 number format of the value axis, e.g. ".1%"; default plain numbers. */
  readonly format?: string;
}

function intervalSpec(rows: readonly IntervalRow[], o: IntervalPlotOptions): PlotSpec {
  if (rows.length === 0) throw new Error(`${o.title}: no rows to plot`);
  const values: Datum[] = rows.map((r) => ({ label: r.label, mean: r.mean, low: r.low, high: r.high }));
  const x = { type: 'quantitative' as const, title: o.valueTitle, axis: o.format ? { format: o.format } : {} };
  const y = { field: 'label', type: 'nominal' as const, title: null, sort: null };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: o.title, subtitle: `posterior mean (point) and ${o.intervalName} interval (bar)` },
    width: PLOT_WIDTH,
    height: { step: 24 },
    data: { values },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, y },
      },
      {
        mark: { type: 'point', filled: true, size: 60, color: 'black' },
        encoding: {
          x: { ...x, field: 'mean' },
          y,
          tooltip: [
            { field: 'label', type: 'nominal' },
            { field: 'mean', type: 'quantitative', format: o.format ?? '.3g' },
            { field: 'low', type: 'quantitative', format: o.format ?? '.3g' },
            { field: 'high', type: 'quantitative', format: o.format ?? '.3g' },
          ],
        },
      },
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
    ],
  };
}

/** Forest plot of effects by segment, on the link scale named in the axis title (default: log-odds). */
export function forestSpec(
  rows: readonly IntervalRow[],
  title = 'Treatment effect by segment',
  intervalName = '10%–90%',
  valueTitle = 'effect (log-odds)',
): PlotSpec {
  return intervalSpec(rows, { title, valueTitle, intervalName });
}

/** Uplift by segment on the probability scale: P(convert | treated) − P(convert | not treated). */
export function upliftSpec(rows: readonly IntervalRow[], title = 'Uplift by segment', intervalName = '10%–90%'): PlotSpec {
  return intervalSpec(rows, { title, valueTitle: 'uplift in conversion probability', intervalName, format: '.2%' });
}

/** Expected revenue uplift per contact by segment (money per customer e-mailed). */
export function revenueUpliftSpec(rows: readonly IntervalRow[], title = 'Expected revenue uplift per contact by segment', intervalName = '10%–90%'): PlotSpec {
  return intervalSpec(rows, { title, valueTitle: 'revenue uplift per contact', intervalName, format: '.3f' });
}

/** Return on ad spend by channel (contribution in outcome units per currency unit spent). */
export function roasSpec(rows: readonly IntervalRow[], title = 'Return on ad spend by channel', intervalName = '5%–95%'): PlotSpec {
  return intervalSpec(rows, { title, valueTitle: 'ROAS (outcome per unit of spend)', intervalName, format: '.3g' });
}
