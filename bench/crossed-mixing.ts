/**
 * Mixing of crossed varying terms with thousands of levels (issue 16 item 1): the simulated student × instructor
 * model (`sim:crossed`, 3,000 × 1,000 levels on 100,000 rows, src/data/simulate/crossed.ts) fitted with
 * 4 chains × (1000 + 1000) by default, in figures that do not depend on the machine's load: gradients to the end of
 * warm-up and after it, the smallest bulk-ESS over the population-level parameters (b_, sd_), gradients per that ESS,
 * the largest population-level R-hat, whether each true b and sd lies inside its 90% interval, and the per-term
 * efficiency the fit reports (src/diagnostics/term-efficiency.ts). Wall and process CPU seconds are printed too, with
 * the load average, so that a quiet time can be estimated as gradients × a quiet per-gradient cost.
 *
 *   npx tsx bench/crossed-mixing.ts [--data sim:crossed] [--rows N (a simulator's size)] [--seeds 1] [--variants default]
 *       [--rows-per-level K (sim:levels: K rows a level instead of 10)]
 *       [--chains 4] [--warmup 1000] [--draws 1000] [--backend native] [--threads N] [--formula F]
 *
 * A variant is `name` or `name:key=value;key=value` with keys adapt (auto|fisher|stan), metric (auto|diag|lowrank),
 * param (group~centered|noncentered|split, `+`-separated), delta (target acceptance), init (random|levels|map|pathfinder|auto),
 * initmetric (gradient|curvature: where the Fisher warm-up's metric starts). `default` sets nothing.
 * Prints one JSON line per fit.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { SIMULATED_PREFIX, builtinDataset, loadDataArgument, type BuiltinDatasetName } from '../src/data/datasets.js';
import { CROSSED_FORMULA } from '../src/data/simulate/crossed.js';
import { simulateLevels } from '../src/data/simulate/levels.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { rhat } from '../src/diagnostics/rhat.js';
import { quantileSorted } from '../src/numeric/quantile.js';
import { termEfficiency } from '../src/diagnostics/term-efficiency.js';
import { fitModel, type FitOptions } from '../src/fit/fit.js';
import { levelCount, termLabel, type Parameterization } from '../src/model/spec.js';
import { list, sum, runOptions } from './cli-args.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: 'sim:crossed' },
    rows: { type: 'string' },
    'rows-per-level': { type: 'string' },
    formula: { type: 'string', default: CROSSED_FORMULA },
    variants: { type: 'string', default: 'default' },
    seeds: { type: 'string', default: '1' },
    chains: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1000' },
    draws: { type: 'string', default: '1000' },
    backend: { type: 'string', default: 'native' },
    threads: { type: 'string' },
  },
});

function variantOptions(variant: string): { name: string; options: Partial<FitOptions> } {
  const colon = variant.indexOf(':');
  const name = colon < 0 ? variant : variant.slice(0, colon);
  const options: Record<string, unknown> = {};
  for (const kv of colon < 0 ? [] : list(variant.slice(colon + 1), ';')) {
    const [key, value] = kv.split('=', 2).length === 2 ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, ''];
    if (key === 'adapt') options.adapt = value;
    else if (key === 'metric') options.metric = value;
    else if (key === 'delta') options.targetAccept = Number(value);
    else if (key === 'init') options.init = value;
    else if (key === 'initmetric') options.fisher = { initialMetric: value as 'gradient' | 'curvature' };
    else if (key === 'param') {
      const p: Record<string, Parameterization> = {};
      for (const gv of list(value, '+')) {
        const [g, v] = gv.split('~');
        p[g] = v as Parameterization;
      }
      options.parameterization = p;
    } else throw new Error(`variant ${variant}: unknown key ${key}`);
  }
  return { name, options: options as Partial<FitOptions> };
}

for (const seed of list(a.seeds).map(Number)) {
  const { frame, truth } =
    a['rows-per-level'] !== undefined && a.data === 'sim:levels'
      ? simulateLevels({ seed, n: Number(a.rows), rowsPerLevel: Number(a['rows-per-level']) })
      : a.rows === undefined
        ? loadDataArgument(a.data, seed)
        : builtinDataset(a.data.slice(SIMULATED_PREFIX.length) as BuiltinDatasetName, seed, Number(a.rows));
  for (const variant of list(a.variants, ' ')) {
    const { name, options: extra } = variantOptions(variant);
    const options: FitOptions = {
      ...runOptions(a, seed),
      ...extra,
      // a line on stderr every 100 iterations, to follow a long fit
      onProgress: (p) => {
        if (p.iteration % 100 !== 0) return;
        const g = Math.round(sum(p.gradients));
        process.stderr.write(`${name} seed ${seed}: iteration ${p.iteration}/${p.totalIterations} (${p.phase}), ${g} gradients, step ${Array.from(p.stepSize, (x) => x.toPrecision(2)).join(' ')}, ${p.elapsedSeconds.toFixed(0)} s\n`);
      },
    };
    const load0 = loadavg()[0];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const fit = await fitModel(frame, a.formula, options);
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const load1 = loadavg()[0];
    const r = fit.sample;
    const { spec } = fit.model;
    const names = fit.draws.names;
    const diag = new Map<string, { essBulk: number | null; rhat: number | null }>();
    let minPopEss = Infinity;
    let minPopVar = '';
    let maxPopRhat = 0;
    const covered: Record<string, boolean> = {};
    for (let v = 0; v < names.length; v++) {
      const n = names[v];
      if (!(n.startsWith('b_') || n.startsWith('sd_') || n.startsWith('r_'))) continue;
      const x = variableChains(fit.draws, v);
      const e = essBulk(x);
      const rh = rhat(x);
      diag.set(n, { essBulk: e, rhat: rh });
      if (n.startsWith('r_')) continue;
      if (e !== null && e < minPopEss) {
        minPopEss = e;
        minPopVar = n;
      }
      maxPopRhat = Math.max(maxPopRhat, rh ?? 0);
      if (truth && n in truth) {
        const sorted = Float64Array.from(x.values).sort();
        covered[n] = quantileSorted(sorted, 0.05) <= truth[n] && truth[n] <= quantileSorted(sorted, 0.95);
      }
    }
    const gradients = sum(r.gradientEvaluations);
    const sampling = sum(r.samplingGradientEvaluations);
    const terms = spec.terms.map((term, t) => ({ term: termLabel(spec, t), parameterization: term.parameterization, levels: levelCount(spec, t) }));
    const perTerm = termEfficiency(terms, (n) => diag.get(n), gradients);
    console.log(
      JSON.stringify({
        seed,
        variant: name,
        adapt: r.settings.adapt,
        metric: r.settings.metric,
        targetAccept: r.settings.targetAccept,
        parameterization: Object.fromEntries(terms.map((t) => [t.term, t.parameterization])),
        init: r.settings.init,
        // gradients of the starting point's search (Pathfinder's paths, or L-BFGS to the mode), not in the sampler's count
        initGradients: fit.pathfinder?.gradients ?? fit.mode?.optimizer.evaluations ?? 0,
        pathfinder: fit.pathfinder ? { paretoK: +fit.pathfinder.paretoK.toFixed(2), paths: fit.pathfinder.paths.map((p) => [p.iterations, p.bestIterate, p.gradients]) } : null,
        warmupGradients: gradients - sampling,
        samplingGradients: sampling,
        gradientsPerDraw: +(sampling / (r.nChains * r.samplingDone)).toFixed(2),
        minPopEssBulk: Math.round(minPopEss),
        minPopVariable: minPopVar,
        gradientsPerPopEss: +(gradients / minPopEss).toFixed(1),
        maxPopRhat: +maxPopRhat.toFixed(4),
        divergences: sum(r.divergences),
        warmupIterations: Array.from(r.warmupIterations),
        covered90: covered,
        terms: perTerm.map((t) => ({
          ...t,
          minEssBulk: t.minEssBulk === null ? null : Math.round(t.minEssBulk),
          sdEssBulk: t.sdEssBulk === null ? null : Math.round(t.sdEssBulk),
          maxRhat: t.maxRhat === null ? null : +t.maxRhat.toFixed(4),
          essPer1000Gradients: t.essPer1000Gradients === null ? null : +t.essPer1000Gradients.toFixed(2),
        })),
        wallSeconds: +wall.toFixed(1),
        cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
        sampleSeconds: +(r.timing.warmupSeconds + r.timing.samplingSeconds).toFixed(1),
        load: [+load0.toFixed(1), +load1.toFixed(1)],
      }),
    );
    await fit.dispose();
  }
}
