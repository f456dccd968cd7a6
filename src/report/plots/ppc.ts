/**
 * Posterior predictive check of a statistic (a rate by default): the histogram of the statistic in data sets
 * replicated from the posterior, with the observed value marked. An observed value far in a tail says the model
 * misses it.
 */
import { PLOT_HEIGHT, PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface PpcOptions {
  readonly title?: string;
  /** What the rate is, for the axis: default "conversion rate". */
  readonly rateName?: string;
  /** Histogram bins (upper bound; vega picks nice bin edges); default 40. */
  readonly maxBins?: number;
  /** d3 format of the axis labels: default '.2%' (a rate); e.g. '.3~g' for a mean or a dispersion. */
  readonly axisFormat?: string;
}

/** Share of replicated rates at or above the observed one (the posterior predictive p-value of the rate). */
export function ppcTailShare(replicated: ArrayLike<number>, observed: number): number {
  if (replicated.length === 0) throw new Error('posterior predictive check: no replicated rates');
  let above = 0;
  for (let i = 0; i < replicated.length; i++) if (replicated[i] >= observed) above++;
  return above / replicated.length;
}

export function ppcSpec(replicated: ArrayLike<number>, observed: number, options: PpcOptions = {}): PlotSpec {
  const rateName = options.rateName ?? 'conversion rate';
  const share = ppcTailShare(replicated, observed);
  const values: Datum[] = Array.from(replicated, (rate) => ({ rate }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `Posterior predictive check: ${rateName}`,
      subtitle: `replicated data sets (bars), observed (red line); P(replicated ≥ observed) = ${share.toFixed(3)}`,
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: '#8fa9c8' },
        encoding: {
          x: { field: 'rate', type: 'quantitative', bin: { maxbins: options.maxBins ?? 40 }, title: rateName, axis: { format: options.axisFormat ?? '.2%' } },
          y: { aggregate: 'count', type: 'quantitative', title: 'replicated data sets' },
        },
      },
      {
        data: { values: [{ observed }] },
        mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 },
        encoding: { x: { field: 'observed', type: 'quantitative' } },
      },
    ],
  };
}
