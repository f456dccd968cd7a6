/**
 * Pathfinder (src/sampler/pathfinder/) on the Hillstrom models, in gradient counts (independent of machine load):
 *
 * - `--method pathfinder` against NUTS: for every b_ / sd_ parameter, |mean_pathfinder − mean_nuts| / sd_nuts, and
 *   the Pareto k of the approximation;
 * - `--init pathfinder` against random initial values: gradients to the end of warm-up (Pathfinder's own included),
 *   gradients per draw after it, min bulk-ESS.
 *
 *   npx tsx bench/pathfinder.ts [--data path|sim:hillstrom] [--rows n] [--models pooled,hierarchical] [--seeds 1]
 *                              [--backend native] [--compare method,init]
 *
 * Prints one JSON line per comparison.
 */
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../src/backend/select.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, type HillstromModel } from '../src/data/hillstrom.js';
import { loadData } from '../src/data/load.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { fitModel, fitPathfinder, type Fit } from '../src/fit/fit.js';
import { list, sum } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/hillstrom.csv' },
    rows: { type: 'string' },
    models: { type: 'string', default: 'pooled,hierarchical' },
    seeds: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'native' },
    compare: { type: 'string', default: 'method,init' },
  },
});

function moments(fit: Fit, name: string): { mean: number; sd: number } {
  const x = variableChains(fit.draws, fit.draws.names.indexOf(name)).values;
  const mean = sum(x) / x.length;
  let v = 0;
  for (const y of x) v += (y - mean) ** 2;
  return { mean, sd: Math.sqrt(v / (x.length - 1)) };
}

function minEss(fit: Fit): number {
  let m = Infinity;
  for (let v = 0; v < fit.draws.names.length; v++) m = Math.min(m, essBulk(variableChains(fit.draws, v)) ?? Infinity);
  return m;
}

for (const model of list(a.models) as HillstromModel[]) {
  for (const seed of list(a.seeds).map(Number)) {
    const { frame } = loadData(a.data, seed, a.rows === undefined ? undefined : Number(a.rows));
    const common = { backend: a.backend as BackendChoice, chains: 4, warmup: 1000, draws: 1000, seed };
    const nuts = await fitModel(frame, HILLSTROM_FORMULAS[model], { ...common, priors: HILLSTROM_PRIORS[model] });
    const nutsWarmup = sum(nuts.sample.gradientEvaluations) - sum(nuts.sample.samplingGradientEvaluations);
    if (list(a.compare).includes('method')) {
      const pf = await fitPathfinder(frame, HILLSTROM_FORMULAS[model], { ...common, priors: HILLSTROM_PRIORS[model] });
      const shown = nuts.draws.names.filter((n) => n.startsWith('b_') || n.startsWith('sd_'));
      const z = Object.fromEntries(
        shown.map((n) => {
          const p = moments(pf, n);
          const q = moments(nuts, n);
          return [n, Number((Math.abs(p.mean - q.mean) / q.sd).toFixed(3))];
        }),
      );
      console.log(JSON.stringify({
        compare: 'method', model, rows: frame.nRows, seed,
        paretoK: Number(pf.pathfinder?.paretoK.toFixed(3)), pathfinderGradients: pf.pathfinder?.gradients,
        nutsGradients: sum(nuts.sample.gradientEvaluations),
        worstMeanDiffInSd: Math.max(...Object.values(z)), meanDiffInSd: z,
      }));
      await pf.dispose();
    }
    if (list(a.compare).includes('init')) {
      const withPf = await fitModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model], ...common, init: 'pathfinder' });
      const w = withPf.sample;
      const pfGrads = withPf.pathfinder?.gradients ?? 0;
      const warm = sum(w.gradientEvaluations) - sum(w.samplingGradientEvaluations);
      console.log(JSON.stringify({
        compare: 'init', model, rows: frame.nRows, seed,
        random: { warmupGradients: nutsWarmup, perDraw: sum(nuts.sample.samplingGradientEvaluations) / 4000, minEss: Math.round(minEss(nuts)), divergences: sum(nuts.sample.divergences) },
        pathfinder: { pathfinderGradients: pfGrads, warmupGradients: warm, toEndOfWarmup: warm + pfGrads, perDraw: sum(w.samplingGradientEvaluations) / 4000, minEss: Math.round(minEss(withPf)), divergences: sum(w.divergences), paretoK: Number(withPf.pathfinder?.paretoK.toFixed(3)) },
      }));
      await withPf.dispose();
    }
    await nuts.dispose();
  }
}
