/**
 * PSIS-LOO diagnostic plot: the Pareto k of every observation against its index, with loo's thresholds 0.5, 0.7 and
 * 1 (src/loo/loo.ts). Large data sets are thinned for drawing: every observation with k above 0.5 is kept, the
 * others are sampled at a regular stride, and the subtitle says so.
 */
import { PARETO_K_BAD, PARETO_K_OK, PARETO_K_VERY_BAD } from '../../loo/loo.js';
import { PLOT_HEIGHT, PLOT_WIDTH, VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from './spec.js';

export interface ParetoKOptions {
  readonly title?: string;
  /** Observations with k ≤ 0.5 drawn at most (about); default 4000. */
  readonly maxGoodPoints?: number;
}

export type ParetoKClass = 'good' | 'ok' | 'bad' | 'very bad';

/** loo's class of one k: good ≤ 0.5 < ok ≤ 0.7 < bad ≤ 1 < very bad (NaN counts as very bad). */
export function paretoKClass(k: number): ParetoKClass {
  if (k <= PARETO_K_OK) return 'good';
  if (k <= PARETO_K_BAD) return 'ok';
  if (k <= PARETO_K_VERY_BAD) return 'bad';
  return 'very bad';
}

/** Indices of the observations drawn: all with k > 0.5 (or NaN), and every stride-th of the rest. */
export function paretoKPointsShown(k: ArrayLike<number>, maxGoodPoints: number): { indices: Uint32Array; stride: number } {
  let good = 0;
  for (let i = 0; i < k.length; i++) if (k[i] <= PARETO_K_OK) good++;
  const stride = Math.max(1, Math.ceil(good / maxGoodPoints));
  const kept: number[] = [];
  let seenGood = 0;
  for (let i = 0; i < k.length; i++) {
    if (k[i] <= PARETO_K_OK) {
      if (seenGood++ % stride === 0) kept.push(i);
    } else {
      kept.push(i);
    }
  }
  return { indices: Uint32Array.from(kept), stride };
}

export function paretoKSpec(k: ArrayLike<number>, options: ParetoKOptions = {}): PlotSpec {
  if (k.length === 0) throw new Error('Pareto k plot: no observations');
  const { indices, stride } = paretoKPointsShown(k, options.maxGoodPoints ?? 4000);
  const values: Datum[] = Array.from(indices, (i) => ({
    observation: i + 1,
    k: Number.isFinite(k[i]) ? k[i] : null,
    class: paretoKClass(k[i]),
  }));
  const thinned = stride > 1 ? `; k ≤ ${PARETO_K_OK} shown for every ${stride}th observation` : '';
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? 'PSIS-LOO: Pareto k by observation',
      subtitle: `dashed lines at ${PARETO_K_OK}, ${PARETO_K_BAD}, ${PARETO_K_VERY_BAD}${thinned}`,
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'point', size: 12, filled: true, opacity: 0.7 },
        encoding: {
          x: { field: 'observation', type: 'quantitative', title: 'observation' },
          y: { field: 'k', type: 'quantitative', title: 'Pareto k' },
          color: {
            field: 'class',
            type: 'nominal',
            title: 'k',
            scale: { domain: ['good', 'ok', 'bad', 'very bad'], range: ['#4c78a8', '#f2b701', '#e45756', '#7b1f1f'] },
          },
        },
      },
      {
        data: { values: [{ t: PARETO_K_OK }, { t: PARETO_K_BAD }, { t: PARETO_K_VERY_BAD }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
        encoding: { y: { field: 't', type: 'quantitative' } },
      },
    ],
  };
}
