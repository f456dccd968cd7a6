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
 *                                         [--param group=centered|noncentered|split,…] [--detail]
 *                                         [--sd-scale log|signed (how non-centered sds are sampled, src/model/signed-scale.ts)]
 *                                         [--metric auto|diag|dense|lowrank]
 *                                         [--initial-metric gradient|curvature (where the Fisher warm-up's metric starts)]
 *
 * `--detail` adds, per fit, where the minimum ESS sits and why (samplerDetail below).
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
    detail: { type: 'boolean', default: false },
    'sd-scale': { type: 'string' },
    metric: { type: 'string' },
    'initial-metric': { type: 'string' },
  },
});
const frame = loadHillstrom(a.data);

for (const model of list(a.models) as HillstromModel[]) {
  for (const seed of list(a.seeds).map(Number)) {
    for (const adapt of list(a.adapt)) {
      const options: FitOptions = {
        ...runOptions(a, seed),
        ...(adapt === 'default' ? {} : { adapt: adapt as FitOptions['adapt'] }),
        fisher: {
          ...(a['fixed-length'] ? { adaptiveLength: false } : {}),
          ...(a['initial-metric'] === undefined ? {} : { initialMetric: a['initial-metric'] as 'gradient' | 'curvature' }),
        },
        ...(a['target-accept'] === undefined ? {} : { targetAccept: Number(a['target-accept']) }),
        ...(a.param === undefined ? {} : { parameterization: parseParameterizationArgs(list(a.param)) }),
        ...(a['sd-scale'] === undefined ? {} : { sdScale: a['sd-scale'] as FitOptions['sdScale'] }),
        ...(a.metric === undefined ? {} : { metric: a.metric as FitOptions['metric'] }),
      };
      const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { ...options, priors: HILLSTROM_PRIORS[model] });
      const r = fit.sample;
      let minEss = Infinity;
      let maxRhat = 0;
      const ess: { name: string; ess: number }[] = [];
      for (let v = 0; v < fit.draws.names.length; v++) {
        const x = variableChains(fit.draws, v);
        const e = essBulk(x) ?? Infinity;
        ess.push({ name: fit.draws.names[v], ess: e });
        minEss = Math.min(minEss, e);
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
          sdScale: a['sd-scale'] ?? 'default',
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
          ...(a.detail ? samplerDetail(fit, ess) : {}),
        }),
      );
      await fit.dispose();
    }
  }
}

/**
 * Where the minimum bulk-ESS sits and why: the five lowest variables; tree depths and acceptance after warm-up; per
 * varying term, its sd coordinate (u = log sd) as the sampler sees it: posterior sd and skewness of u, the adapted
 * inverse metric of u over u's posterior variance per chain (1 = the metric matches), the bulk-ESS of u, and where
 * the divergent transitions were (u and lp at the divergent draws).
 */
function samplerDetail(fit: Awaited<ReturnType<typeof fitModel>>, ess: { name: string; ess: number }[]): Record<string, unknown> {
  const r = fit.sample;
  const spec = fit.model.spec;
  const st = fit.stats;
  const col = (name: string): Float64Array => {
    const v = st.names.indexOf(name);
    return st.values.subarray(v * st.nChains * st.nDraws, (v + 1) * st.nChains * st.nDraws);
  };
  const depth = col('treedepth__');
  const accept = col('accept_stat__');
  const divergent = col('divergent__');
  const lp = col('lp__');
  const depthHistogram: Record<number, number> = {};
  for (const x of depth) depthHistogram[x] = (depthHistogram[x] ?? 0) + 1;
  let meanAccept = 0;
  for (const x of accept) meanAccept += x / accept.length;
  const terms = spec.terms.map((term) => {
    const k = term.sdIndex;
    const u = new Float64Array(r.nChains * r.nDraws);
    for (let c = 0; c < r.nChains; c++) for (let d = 0; d < r.nDraws; d++) u[c * r.nDraws + d] = r.draws[c][d * spec.dim + k];
    let m = 0;
    for (const x of u) m += x / u.length;
    let v2 = 0;
    let v3 = 0;
    for (const x of u) {
      v2 += (x - m) ** 2 / u.length;
      v3 += (x - m) ** 3 / u.length;
    }
    const at: { logSd: number; lp: number }[] = [];
    for (let i = 0; i < divergent.length; i++) if (divergent[i] > 0) at.push({ logSd: +u[i].toFixed(3), lp: +lp[i].toFixed(1) });
    return {
      term: spec.groups[term.group].name,
      parameterization: term.parameterization,
      logSdMean: +m.toFixed(3),
      logSdSd: +Math.sqrt(v2).toFixed(3),
      logSdSkewness: +(v3 / v2 ** 1.5).toFixed(2),
      logSdEssBulk: Math.round(essBulk({ values: u, nChains: r.nChains, nDraws: r.nDraws }) ?? 0),
      metricOverVariance: r.inverseMetric.map((mi) => +((mi.length === spec.dim ? mi[k] : mi[k * spec.dim + k]) / v2).toFixed(2)),
      divergentAt: at.slice(0, 10),
    };
  });
  return {
    lowest: ess
      .slice()
      .sort((x, y) => x.ess - y.ess)
      .slice(0, 5)
      .map((e) => `${e.name} ${Math.round(e.ess)}`),
    depthHistogram,
    meanAccept: +meanAccept.toFixed(3),
    terms,
  };
}
