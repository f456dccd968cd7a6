/**
 * Plots of the media-mix report: channel contributions over time (posterior mean line with its interval as a band),
 * response curves (expected contribution against spend over the data, with band) and the budget split (current vs
 * optimised, grouped bars).
 */
import { PLOT_HEIGHT, PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface SeriesBand {
  readonly label: string;
  readonly x: readonly (number | string)[];
  readonly mean: ArrayLike<number>;
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

interface BandOptions {
  readonly title: string;
  readonly subtitle: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly temporal: boolean;
}

function bandSpec(series: readonly SeriesBand[], o: BandOptions): PlotSpec {
  const values: Datum[] = [];
  for (const s of series) {
    s.x.forEach((x, i) => values.push({ series: s.label, x, mean: s.mean[i], lower: s.lower[i], upper: s.upper[i] }));
  }
  const x = { field: 'x', type: o.temporal ? ('temporal' as const) : ('quantitative' as const), title: o.xTitle };
  const color = { field: 'series', type: 'nominal' as const, title: null };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: o.title, subtitle: o.subtitle },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, y: { field: 'lower', type: 'quantitative', title: o.yTitle }, y2: { field: 'upper' }, color },
      },
      { mark: { type: 'line' }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
    ],
  };
}

/** Each channel's contribution to the outcome per week (original units). */
export function contributionsSpec(series: readonly SeriesBand[], intervalName: string): PlotSpec {
  return bandSpec(series, {
    title: 'Channel contributions over time',
    subtitle: `posterior mean (line) and ${intervalName} interval (band)`,
    xTitle: 'week',
    yTitle: 'contribution to the outcome',
    temporal: true,
  });
}

/** Expected contribution over the data period against the channel's total spend (spend multiplied by 0…2). */
export function responseCurvesSpec(series: readonly SeriesBand[], intervalName: string): PlotSpec {
  return bandSpec(series, {
    title: 'Response curves',
    subtitle: `contribution over the data if every week's spend were scaled; mean and ${intervalName} band`,
    xTitle: 'total spend over the data',
    yTitle: 'contribution to the outcome',
    temporal: false,
  });
}

/** Current vs optimised spend per channel over the budget horizon. */
export function budgetSplitSpec(channels: readonly string[], current: ArrayLike<number>, optimised: ArrayLike<number>): PlotSpec {
  const values: Datum[] = [];
  channels.forEach((c, i) => {
    values.push({ channel: c, split: 'current', spend: current[i] });
    values.push({ channel: c, split: 'optimised', spend: optimised[i] });
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Budget split', subtitle: 'spend per channel over the horizon: current shares vs optimised' },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'channel', type: 'nominal', title: null },
      xOffset: { field: 'split' },
      y: { field: 'spend', type: 'quantitative', title: 'spend over the horizon' },
      color: { field: 'split', type: 'nominal', title: null },
    },
  };
}
