/**
 * Where warm-up's gradients go, iteration by iteration (issue 16: the 10⁵-level varying intercept): one fit with
 * default settings, printing at chosen iterations each chain's gradients since the last print per iteration, its
 * step size and tree depth, and — with `--ref FILE`, posterior variances of the unconstrained coordinates from an
 * earlier run's `--save-ref FILE` — how far chain 1's inverse metric is from them: quantiles of
 * log10(M⁻¹ᵢ / var ᵢ) over all coordinates, and the value for the first `--show` coordinates (the population-level
 * ones come first in the layout). With `--show-position`, each chain's position in those first `--show` coordinates.
 * `--stop-at N` stops the run after iteration N (a probe of the early warm-up); `--rows-per-level K` gives sim:levels
 * K rows a level instead of 10 (10⁵ levels on 2·10⁵ rows: --rows 200000 --rows-per-level 2). Gradient counts do not
 * depend on the load.
 *
 *   npx tsx bench/warmup-trace.ts --data sim:levels --rows 100000 [--formula 'y ~ x + (1 | g)'] [--seed 1]
 *       [--warmup 1000] [--draws 1000] [--at 1,2,5,10,20,50,100,150,200,300] [--ref F] [--save-ref F]
 *       [--adapt auto|fisher|stan] [--backend native] [--fisher JSON (FisherSettings, e.g. '{"initialMetric":"curvature"}')]
       [--init auto|random|map|pathfinder] [--stop-at N] [--rows-per-level K] [--show-position] [--param g=noncentered]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SIMULATED_PREFIX, builtinDataset, type BuiltinDatasetName } from '../src/data/datasets.js';
import { LEVELS_FORMULA } from '../src/data/simulate/levels.js';
import { fitModel } from '../src/fit/fit.js';
import type { AdaptChoice } from '../src/fit/adapt-choice.js';
import type { FisherSettings } from '../src/sampler/adaptation/fisher-adaptation.js';
import type { InitChoice } from '../src/fit/init-choice.js';
import { parseParameterizationArgs } from '../src/model/parameterization.js';
import { simulateLevels } from '../src/data/simulate/levels.js';
import { unconstrainedNames } from '../src/model/layout.js';
import { list, runOptions, sum } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: 'sim:levels' },
    rows: { type: 'string', default: '100000' },
    formula: { type: 'string', default: LEVELS_FORMULA },
    seed: { type: 'string', default: '1' },
    chains: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1000' },
    draws: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'native' },
    threads: { type: 'string' },
    adapt: { type: 'string', default: 'auto' },
    at: { type: 'string', default: '1,2,3,5,8,10,15,20,30,50,75,100,125,150,200,300,400,500,1000,1500,2000' },
    ref: { type: 'string' },
    'save-ref': { type: 'string' },
    show: { type: 'string', default: '3' },
    fisher: { type: 'string', default: '{}' },
    init: { type: 'string', default: 'auto' },
    'stop-at': { type: 'string' },
    'rows-per-level': { type: 'string' },
    'show-position': { type: 'boolean', default: false },
    param: { type: 'string', multiple: true, default: [] },
  },
});

const seed = Number(a.seed);
const { frame, truth } =
  a['rows-per-level'] !== undefined && a.data === 'sim:levels'
    ? simulateLevels({ seed, n: Number(a.rows), rowsPerLevel: Number(a['rows-per-level']) })
    : builtinDataset(a.data.slice(SIMULATED_PREFIX.length) as BuiltinDatasetName, seed, Number(a.rows));
const stopAt = a['stop-at'] === undefined ? Infinity : Number(a['stop-at']);
const stop = new AbortController();
const at = new Set(list(a.at).map(Number));
const ref = a.ref ? new Float64Array(readFileSync(a.ref).buffer.slice(0)) : null;
const show = Number(a.show);
let last: Float64Array | null = null;
let lastIteration = 0;
let names: string[] = [];
const q = (x: Float64Array, p: number): number => x[Math.min(x.length - 1, Math.max(0, Math.round(p * (x.length - 1))))];
const cpu0 = process.cpuUsage();
const fit = await fitModel(frame, a.formula, {
  ...runOptions(a, seed),
  adapt: a.adapt as AdaptChoice,
  fisher: JSON.parse(a.fisher) as Partial<FisherSettings>,
  init: a.init as InitChoice,
  parameterization: parseParameterizationArgs(a.param),
  signal: stop.signal,
  onModel: (m) => {
    names = unconstrainedNames(m.spec);
  },
  onProgress: (p) => {
    if (p.iteration >= stopAt) stop.abort();
    if (!at.has(p.iteration) && p.iteration !== stopAt) return;
    const g = Array.from(p.gradients);
    const per = last === null ? g.map((x) => x / p.iteration) : g.map((x, c) => (x - last![c]) / (p.iteration - lastIteration));
    last = Float64Array.from(g);
    lastIteration = p.iteration;
    let metric = '';
    if (ref !== null && p.inverseMetricOf) {
      const m = p.inverseMetricOf(0);
      const r = new Float64Array(ref.length);
      for (let i = 0; i < ref.length; i++) r[i] = Math.log10(m[i] / ref[i]);
      const firsts = Array.from(r.subarray(0, show), (x, i) => `${names[i]} ${x.toFixed(2)}`).join(', ');
      const sorted = Float64Array.from(r).sort();
      metric = ` | log10(M⁻¹/var) chain 1: min ${sorted[0].toFixed(2)} 1% ${q(sorted, 0.01).toFixed(2)} median ${q(sorted, 0.5).toFixed(2)} 99% ${q(sorted, 0.99).toFixed(2)} max ${sorted[sorted.length - 1].toFixed(2)}; ${firsts}`;
    }
    let position = '';
    if (a['show-position'] && p.positions) {
      const d = p.positions.length / p.nChains;
      position = ` | ${names.slice(0, show).map((name, i) => `${name} ${Array.from({ length: p.nChains }, (_, c) => p.positions![c * d + i].toFixed(3)).join(' ')}`).join('; ')}`;
    }
    process.stdout.write(
      `it ${p.iteration} ${p.phase}: grad/it ${per.map((x) => x.toFixed(0)).join(' ')} (total ${sum(g)}), step ${Array.from(p.stepSize, (x) => x.toPrecision(2)).join(' ')}, depth ${Array.from(p.treeDepth).join(' ')}, warm-up div ${sum(p.warmupDivergences)}${metric}${position}\n`,
    );
  },
});
const cpu = process.cpuUsage(cpu0);
const r = fit.sample;
const sampling = sum(r.samplingGradientEvaluations);
console.log(
  JSON.stringify({
    warmupGradients: sum(r.gradientEvaluations) - sampling,
    gradientsPerDraw: +(sampling / (r.nChains * r.samplingDone)).toFixed(2),
    warmupIterations: Array.from(r.warmupIterations),
    stepSize: Array.from(r.stepSize, (x) => +x.toPrecision(3)),
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    truth,
  }),
);
if (a['save-ref']) {
  const d = r.dim;
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  let n = 0;
  for (const chain of r.draws) {
    for (let k = 0; k < r.nDraws; k++) {
      n++;
      for (let i = 0; i < d; i++) {
        const x = chain[k * d + i];
        const delta = x - mean[i];
        mean[i] += delta / n;
        m2[i] += delta * (x - mean[i]);
      }
    }
  }
  for (let i = 0; i < d; i++) m2[i] /= n - 1;
  writeFileSync(a['save-ref'], Buffer.from(m2.buffer));
}
await fit.dispose();
