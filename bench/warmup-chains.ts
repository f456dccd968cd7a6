/**
 * Warm-up cost per chain as the number of chains grows (issue 17 item 5): the hierarchical model on a small simulated
 * Hillstrom set (default 2,000 rows), 4 → 1024 chains, with the Fisher warm-up pooled across chains (the default from
 * 16 chains) and, for comparison, each chain on its own. Gradient counts are deterministic per seed, so they are
 * the figures to compare on a shared machine: warm-up iterations and warm-up gradients per chain, gradients per
 * draw after warm-up, divergences.
 *
 *   npx tsx bench/warmup-chains.ts [--chains 4,16,64,256,1024] [--rows 2000] [--seeds 1,2] [--draws 100]
 *                                  [--pooling on,off] [--backend native] [--threads 1]
 *
 * Prints one JSON line per fit.
 */
import { parseArgs } from 'node:util';
import type { BackendChoice } from '../src/backend/select.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { fitModel } from '../src/fit/fit.js';
import { list, sum } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    chains: { type: 'string', default: '4,16,64,256,1024' },
    rows: { type: 'string', default: '2000' },
    seeds: { type: 'string', default: '1,2' },
    warmup: { type: 'string', default: '1000' },
    draws: { type: 'string', default: '100' },
    pooling: { type: 'string', default: 'on,off' },
    backend: { type: 'string', default: 'native' },
    threads: { type: 'string' },
  },
});
const { frame } = builtinDataset('hillstrom', 1, Number(a.rows));

for (const seed of list(a.seeds).map(Number)) {
  for (const chains of list(a.chains).map(Number)) {
    for (const pooling of list(a.pooling)) {
      if (pooling === 'on' && chains < 16) continue; // pooling starts at 16 chains
      const fit = await fitModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical,
        backend: a.backend as BackendChoice,
        threads: a.threads === undefined ? undefined : Number(a.threads),
        chains,
        warmup: Number(a.warmup),
        draws: Number(a.draws),
        seed,
        fisher: { poolMinChains: pooling === 'on' ? 16 : Number.MAX_SAFE_INTEGER },
      });
      const r = fit.sample;
      const gradients = sum(r.gradientEvaluations);
      const sampling = sum(r.samplingGradientEvaluations);
      console.log(
        JSON.stringify({
          seed,
          chains,
          pooled: pooling === 'on' && chains >= 16,
          warmupIterationsPerChain: +(sum(r.warmupIterations) / chains).toFixed(1),
          warmupGradientsPerChain: Math.round((gradients - sampling) / chains),
          gradientsPerDraw: +(sampling / (chains * r.samplingDone)).toFixed(2),
          divergences: sum(r.divergences),
          wallSeconds: +(r.timing.warmupSeconds + r.timing.samplingSeconds).toFixed(1),
        }),
      );
      await fit.dispose();
    }
  }
}
