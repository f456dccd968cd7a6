/**
 * Gradients per draw with Stan's diagonal metric and with the dense metric, on a Hillstrom model fitted to the real
 * data. `mens` and `womens` nearly duplicate the intercept in the pooled model, so the diagonal metric cannot undo the
 * correlation and needs ~19 gradients per iteration (as Stan does); the dense metric removes it.
 *
 *   npx tsx bench/metric-gradients.ts [path/to/hillstrom.csv] [pooled|hierarchical|crossed] [warmup] [draws] [backend]
 *
 * Prints one JSON line per metric: gradients per draw per chain, adapted step sizes, divergences, minimum bulk-ESS,
 * timings.
 */
import type { BackendChoice } from '../src/backend/select.js';
import { HILLSTROM_FORMULAS, loadHillstrom, type HillstromModel } from '../src/data/hillstrom.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { fitModel } from '../src/fit/fit.js';

const [dataPath = '../shared/data/hillstrom.csv', model = 'pooled', warmup = '1000', draws = '1000', backend = 'native'] =
  process.argv.slice(2);
const frame = loadHillstrom(dataPath);
for (const metric of ['diag', 'dense'] as const) {
  const fit = await fitModel(frame, HILLSTROM_FORMULAS[model as HillstromModel], {
    backend: backend as BackendChoice,
    chains: 4,
    warmup: Number(warmup),
    draws: Number(draws),
    seed: 1,
    metric,
  });
  const r = fit.sample;
  let minEss = Infinity;
  for (let v = 0; v < fit.draws.names.length; v++) minEss = Math.min(minEss, essBulk(variableChains(fit.draws, v)) ?? Infinity);
  console.log(
    JSON.stringify({
      model,
      metric,
      backend: fit.backend.description,
      gradientsPerDraw: Array.from(r.samplingGradientEvaluations, (g) => g / r.samplingDone),
      stepSize: Array.from(r.stepSize),
      divergences: Array.from(r.divergences),
      minEssBulk: minEss,
      warmupSeconds: r.timing.warmupSeconds,
      samplingSeconds: r.timing.samplingSeconds,
    }),
  );
  await fit.dispose();
}
