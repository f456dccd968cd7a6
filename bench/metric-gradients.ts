/**
 * Diagonal vs dense metric on the Hillstrom models fitted to the real data, in figures that do not depend on how
 * loaded the machine is: gradients per draw, minimum bulk-ESS per gradient (all gradients of the fit, warm-up
 * included, as ESS/s counts the whole wall time), divergences, largest R-hat, and the fill of the batched target calls
 * (row·chains evaluated ÷ (calls × chains): below 1 when chains wait for each other). CPU seconds
 * and wall seconds are printed too, for what they are worth on a shared machine.
 *
 * `mens` and `womens` nearly duplicate the intercept in the pooled model, so the diagonal metric cannot undo the
 * correlation and needs ~19 gradients per iteration (as Stan does); the dense metric removes it.
 *
 *   npx tsx bench/metric-gradients.ts [--data path] [--models pooled,hierarchical] [--metrics diag,dense,auto]
 *                                     [--seeds 1,2,3] [--warmup 1000] [--draws 1000] [--backend native]
 *
 * Prints one JSON line per fit.
 */
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../src/backend/select.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom, type HillstromModel } from '../src/data/hillstrom.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { rhat } from '../src/diagnostics/rhat.js';
import { fitModel } from '../src/fit/fit.js';
import type { MetricChoice } from '../src/sampler/metric.js';
import { list, sum } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/hillstrom.csv' },
    models: { type: 'string', default: 'pooled,hierarchical' },
    metrics: { type: 'string', default: 'diag,dense' },
    seeds: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '1000' },
    draws: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'native' },
  },
});
const frame = loadHillstrom(a.data);

for (const model of list(a.models) as HillstromModel[]) {
  for (const seed of list(a.seeds).map(Number)) {
    for (const metric of list(a.metrics) as MetricChoice[]) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model],
        backend: a.backend as BackendChoice,
        chains: 4,
        warmup: Number(a.warmup),
        draws: Number(a.draws),
        seed,
        metric,
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
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
      console.log(
        JSON.stringify({
          model,
          seed,
          metric,
          used: r.settings.metric,
          dim: r.dim,
          backend: fit.backend.description,
          gradientsPerDraw: +(sampling / (r.nChains * r.samplingDone)).toFixed(2),
          gradients,
          minEssBulk: Math.round(minEss),
          essPerKiloGradient: +((1000 * minEss) / gradients).toFixed(3),
          divergences: sum(r.divergences),
          maxRhat: +maxRhat.toFixed(4),
          callFill: +(gradients / (r.targetCalls * r.nChains)).toFixed(3),
          stepSize: Array.from(r.stepSize, (s) => +s.toFixed(4)),
          wallSeconds: +wall.toFixed(1),
          cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
        }),
      );
      await fit.dispose();
    }
  }
}
