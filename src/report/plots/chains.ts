/**
 * Per-chain views of draws for the sampler plots: the trace (value by iteration, thinned to a readable number of
 * points) and the rank histogram (Vehtari et al. 2021, "Rank-normalization, folding, and localization", section 5:
 * rank all draws of a variable over every chain, then histogram each chain's ranks; well-mixed chains give flat,
 * overlapping histograms).
 */
import type { DrawSet } from '../../draws.js';
import { variableIndex } from '../../draws.js';
import { sortDraws } from '../../diagnostics/sort.js';
import { PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface TraceOptions {
  /** At most this many points per chain and variable (every k-th draw is kept); default 500. */
  readonly maxPointsPerChain?: number;
}

export interface RankOptions {
  /** Histogram bins; default 20. */
  readonly bins?: number;
}

/** Step between kept draws so that at most `max` of `n` draws remain. */
export function thinningStep(n: number, max: number): number {
  if (!(max >= 1)) throw new Error(`maxPointsPerChain = ${max} must be at least 1`);
  return Math.max(1, Math.ceil(n / max));
}

/**
 * Counts of each chain's draws per rank bin for variable v: out[c · bins + b]. Ranks run 0 … S − 1 over all S draws
 * (tied draws share their mean rank) and rank r falls in bin ⌊r · bins / S⌋.
 */
export function rankCounts(draws: DrawSet, v: number, bins: number): Uint32Array {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`rank plot: bins = ${bins} must be a positive integer`);
  const size = draws.nChains * draws.nDraws;
  const values = draws.values.subarray(v * size, (v + 1) * size);
  const { order, sorted } = sortDraws(values);
  const counts = new Uint32Array(draws.nChains * bins);
  for (let start = 0; start < size; ) {
    let end = start + 1;
    while (end < size && sorted[end] === sorted[start]) end++;
    const bin = Math.min(bins - 1, Math.floor((((start + end - 1) / 2) * bins) / size));
    for (let k = start; k < end; k++) {
      const chain = Math.floor(order[k] / draws.nDraws);
      counts[chain * bins + bin]++;
    }
    start = end;
  }
  return counts;
}

function indices(draws: DrawSet, variables: readonly string[]): number[] {
  if (variables.length === 0) throw new Error('sampler plot: no variables given');
  return variables.map((name) => variableIndex(draws, name));
}

/** Trace plot: one panel per variable, one line per chain. */
export function traceSpec(draws: DrawSet, variables: readonly string[], options: TraceOptions = {}): PlotSpec {
  const step = thinningStep(draws.nDraws, options.maxPointsPerChain ?? 500);
  const values: Datum[] = [];
  for (const v of indices(draws, variables)) {
    for (let c = 0; c < draws.nChains; c++) {
      const base = (v * draws.nChains + c) * draws.nDraws;
      for (let d = 0; d < draws.nDraws; d += step) {
        values.push({ variable: draws.names[v], chain: String(c + 1), iteration: d + 1, value: draws.values[base + d] });
      }
    }
  }
  const thinned = step > 1 ? ` (every ${step}th draw)` : '';
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: `Trace plots${thinned}`,
    data: { values },
    facet: { row: { field: 'variable', type: 'nominal', title: null, sort: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: PLOT_WIDTH,
      height: 110,
      mark: { type: 'line', strokeWidth: 0.8, opacity: 0.8 },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration (after warmup)' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'chain', type: 'nominal', title: 'chain' },
      },
    },
  };
}

/** Rank plot: per variable (columns) and chain (rows), the histogram of the chain's ranks, with the flat line. */
export function rankSpec(draws: DrawSet, variables: readonly string[], options: RankOptions = {}): PlotSpec {
  const bins = options.bins ?? 20;
  const size = draws.nChains * draws.nDraws;
  const values: Datum[] = [];
  for (const v of indices(draws, variables)) {
    const counts = rankCounts(draws, v, bins);
    for (let c = 0; c < draws.nChains; c++) {
      for (let b = 0; b < bins; b++) {
        values.push({
          variable: draws.names[v],
          chain: String(c + 1),
          from: (b * size) / bins,
          to: ((b + 1) * size) / bins,
          count: counts[c * bins + b],
          expected: draws.nDraws / bins,
        });
      }
    }
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Rank plots (flat and alike across chains when the chains mix)',
    data: { values },
    facet: {
      column: { field: 'variable', type: 'nominal', title: null, sort: null },
      row: { field: 'chain', type: 'nominal', title: 'chain' },
    },
    spec: {
      width: Math.max(120, Math.floor(PLOT_WIDTH / Math.min(variables.length, 4))),
      height: 50,
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'from', type: 'quantitative', title: 'rank' },
            x2: { field: 'to' },
            y: { field: 'count', type: 'quantitative', title: 'draws' },
            color: { field: 'chain', type: 'nominal', legend: null },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [4, 3], color: 'black' },
          encoding: { y: { aggregate: 'mean', field: 'expected', type: 'quantitative' } },
        },
      ],
    },
  };
}
