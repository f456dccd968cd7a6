/**
 * Warm-up adaptation schemes on the Hillstrom models fitted to the real data (all 64,000 rows), in figures that do
 * not depend on how loaded the machine is (gradient counts are deterministic per seed): gradients to the end of
 * warm-up, gradients per draw after it, minimum bulk-ESS, gradients per minimum bulk-ESS (whole fit, warm-up
 * included) and per ESS after warm-up, divergences, largest R-hat, warm-up iterations used per chain, and warm-up's
 * share of the sampler's wall time (for what it is worth on a shared machine).
 *
 *   npx tsx bench/adaptation-gradients.ts [--data path] [--models pooled,hierarchical,crossed] [--adapt default,auto,fisher,stan]
 *                                         [--seeds 1,2] [--chains 4] [--warmup 1000] [--draws 1000] [--backend native]
 *                                         [--threads N] [--fixed-length (the Fisher warm-up lasts --warmup)] [--target-accept D]
 *                                         [--param group=centered|noncentered|split,…]
 *
 * `--adapt default` leaves the setting to the fit's default (auto: src/fit/adapt-choice.ts). Prints one JSON line per fit.
 */
import { parseArgs } from 'node:util';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom, type HillstromModel } from '../src/data/hillstrom.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { rhat } from '../src/diagnostics/rhat.js';
import { fitModel, type FitOptions } from '../src/fit/fit.js';
import { parseParameterizationArgs } from '../src/model/parameterization.js';
import { list, sum, runOptions } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/hillstrom.csv' },
    models: { type: 'string', default: 'pooled,hierarchical,crossed' },
    adapt: { type: 'string', default: 'default' },
    seeds: { type: 'string', default: '1,2' },
    chains: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1000' },
    draws: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'native' },
    threads: { type: 'string' },
    'fixed-length': { type: 'boolean', default: false },
    'target-accept': { type: 'string' },
    param: { type: 'string' },
  },
});
const frame = loadHillstrom(a.data);

for (const model of list(a.models) as HillstromModel[]) {
  for (const seed of list(a.seeds).map(Number)) {
    for (const adapt of list(a.adapt)) {
      const options: FitOptions = {
        ...runOptions(a, seed),
        ...(adapt === 'default' ? {} : { adapt: adapt as FitOptions['adapt'] }),
        ...(a['fixed-length'] ? { fisher: { adaptiveLength: false } } : {}),
        ...(a['target-accept'] === undefined ? {} : { targetAccept: Number(a['target-accept']) }),
        ...(a.param === undefined ? {} : { parameterization: parseParameterizationArgs(list(a.param)) }),
      };
      const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { ...options, priors: HILLSTROM_PRIORS[model] });
      const r = fit.sample;
      let minEss = Infinity;
      let maxRhat = 0;
      for (let v = 0; v < fit.draws.names.length; v++) {
        const x = variableChains(fit.draws, v);
        minEss = Math.min(minEss, essBulk(x) ?? Infinity);
        maxRhat = Math.max(maxRhat, rhat(x) ?? 0);
      }
      const gradients = sum(r.gradientEvaluations);
      const sampling = sum(r.samplingGradientEvaluations);
      const wall = r.timing.warmupSeconds + r.timing.samplingSeconds;
      console.log(
        JSON.stringify({
          model,
          seed,
          adapt,
          chains: r.nChains,
          metric: r.settings.metric,
          targetAccept: r.settings.targetAccept,
          warmupGradients: gradients - sampling,
          samplingGradients: sampling,
          gradientsPerDraw: +(sampling / (r.nChains * r.samplingDone)).toFixed(2),
          minEssBulk: Math.round(minEss),
          gradientsPerEss: +(gradients / minEss).toFixed(1),
          samplingGradientsPerEss: +(sampling / minEss).toFixed(1),
          divergences: sum(r.divergences),
          maxRhat: +maxRhat.toFixed(4),
          warmupIterations: 'warmupIterations' in r ? Array.from(r.warmupIterations as Int32Array) : null,
          stepSize: Array.from(r.stepSize, (s) => +s.toFixed(4)),
          warmupShare: +(r.timing.warmupSeconds / wall).toFixed(3),
          wallSeconds: +wall.toFixed(1),
        }),
      );
      await fit.dispose();
    }
  }
}
