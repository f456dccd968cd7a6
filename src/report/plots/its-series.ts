/**
 * Observed vs counterfactual of an interrupted time series: the observed outcome (points and line), the model's
 * posterior-predictive mean (dashed line) with its central interval (band) over the whole series — a check of the fit
 * before the intervention, the counterfactual after it — and a rule at the intervention. A second panel shows the
 * cumulative effect after the intervention with its interval.
 */
import { PLOT_HEIGHT, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface ItsPlotRow {
  readonly time: string | number;
  readonly observed: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

const WIDE = 760;

export function itsSeriesSpec(
  rows: readonly ItsPlotRow[],
  intervention: string | number,
  options: { readonly timeType: 'temporal' | 'quantitative'; readonly outcome: string; readonly interval: number },
): PlotSpec {
  const values: Datum[] = rows.map((r) => ({ time: r.time, observed: r.observed, mean: r.mean, low: r.low, high: r.high }));
  const x = { field: 'time', type: options.timeType, title: 'time' } as const;
  const pct = `${Math.round(options.interval * 100)}%`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: `Observed ${options.outcome} vs counterfactual`, subtitle: `posterior-predictive mean (dashed) and ${pct} interval (band); intervention at ${intervention}` },
    width: WIDE,
    height: PLOT_HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'area', color: '#8fa9c8', opacity: 0.45 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: options.outcome, scale: { zero: false } }, y2: { field: 'high' } } },
      { mark: { type: 'line', color: '#2c5d8f', strokeDash: [5, 3] }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
      { mark: { type: 'line', color: '#222', strokeWidth: 1 }, encoding: { x, y: { field: 'observed', type: 'quantitative' } } },
      { mark: { type: 'point', color: '#222', size: 10, filled: true }, encoding: { x, y: { field: 'observed', type: 'quantitative' } } },
      { data: { values: [{ time: intervention }] }, mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 }, encoding: { x } },
    ],
  } as PlotSpec;
}

export function itsCumulativeSpec(
  rows: readonly { readonly time: string | number; readonly mean: number; readonly low: number; readonly high: number }[],
  options: { readonly timeType: 'temporal' | 'quantitative'; readonly interval: number },
): PlotSpec {
  const x = { field: 'time', type: options.timeType, title: 'time' } as const;
  const pct = `${Math.round(options.interval * 100)}%`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Cumulative effect after the intervention', subtitle: `posterior mean (line) and ${pct} interval (band); zero marked` },
    width: WIDE,
    height: PLOT_HEIGHT,
    data: { values: rows.map((r) => ({ time: r.time, mean: r.mean, low: r.low, high: r.high })) },
    layer: [
      { mark: { type: 'area', color: '#8fc8a0', opacity: 0.5 }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'cumulative effect' }, y2: { field: 'high' } } },
      { mark: { type: 'line', color: '#1e6b35' }, encoding: { x, y: { field: 'mean', type: 'quantitative' } } },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
    ],
  } as PlotSpec;
}
