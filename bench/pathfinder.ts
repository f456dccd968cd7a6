/**
 * Pathfinder (src/sampler/pathfinder/) on the Hillstrom models, in gradient counts (independent of machine load):
 *
 * - `--method pathfinder` against NUTS: for every b_ / sd_ parameter, |mean_pathfinder − mean_nuts| / sd_nuts, and
 *   the Pareto k of the approximation;
 * - `--init pathfinder` against random initial values: gradients to the end of warm-up (Pathfinder's own included),
 *   warm-up iterations per chain, gradients per draw after it, min bulk-ESS, gradients per min bulk-ESS (all of the
 *   fit's, Pathfinder's included, and after warm-up only), divergences, and Pathfinder's paths (L-BFGS iterations,
 *   best iterate, gradients per path).
 *
 *   npx tsx bench/pathfinder.ts [--data path|sim:hillstrom] [--rows n] [--models pooled,hierarchical] [--seeds 1]
 *                              [--backend native] [--compare method,init] [--inits random,pathfinder]
 *
 * `--inits pathfinder` runs only the Pathfinder-started fit of `--compare init` (the random one is the default fit,
 * which a change to `--init pathfinder` leaves as it was); `--compare method` always runs the NUTS fit.
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
    inits: { type: 'string', default: 'random,pathfinder' },
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

/** Gradients to the end of warm-up (Pathfinder's included), warm-up iterations per chain, and efficiency after it. */
function initFigures(fit: Fit): Record<string, unknown> {
  const s = fit.sample;
  const draws = s.nChains * s.nDraws;
  const pf = fit.pathfinder?.gradients ?? 0;
  const all = sum(s.gradientEvaluations);
  const after = sum(s.samplingGradientEvaluations);
  const warm = all - after;
  const ess = minEss(fit);
  return {
    pathfinderGradients: pf,
    warmupGradients: warm,
    toEndOfWarmup: warm + pf,
    warmupIterations: Array.from(s.warmupIterations),
    perDraw: Number((after / draws).toFixed(3)),
    minEss: Math.round(ess),
    perEss: Number(((all + pf) / ess).toFixed(2)),
    perEssAfter: Number((after / ess).toFixed(2)),
    divergences: sum(s.divergences),
  };
}

for (const model of list(a.models) as HillstromModel[]) {
  for (const seed of list(a.seeds).map(Number)) {
    const { frame } = loadData(a.data, seed, a.rows === undefined ? undefined : Number(a.rows));
    const common = { backend: a.backend as BackendChoice, chains: 4, warmup: 1000, draws: 1000, seed };
    const compare = list(a.compare);
    const inits = list(a.inits);
    const nuts = compare.includes('method') || inits.includes('random') ? await fitModel(frame, HILLSTROM_FORMULAS[model], { ...common, priors: HILLSTROM_PRIORS[model] }) : null;
    if (nuts !== null && compare.includes('method')) {
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
    if (compare.includes('init')) {
      const withPf = inits.includes('pathfinder') ? await fitModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model], ...common, init: 'pathfinder' }) : null;
      console.log(JSON.stringify({
        compare: 'init', model, rows: frame.nRows, seed,
        ...(nuts === null ? {} : { random: initFigures(nuts) }),
        ...(withPf === null ? {} : {
          pathfinder: {
            ...initFigures(withPf),
            paretoK: Number(withPf.pathfinder?.paretoK.toFixed(3)),
            paths: withPf.pathfinder?.paths.map((p) => ({ iterations: p.iterations, best: p.bestIterate, gradients: p.gradients })),
          },
        }),
      }));
      await withPf?.dispose();
    }
    await nuts?.dispose();
  }
}
