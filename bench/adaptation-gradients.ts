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
 *                                         [--sd-scale log|signed|scaled (how non-centered sds are sampled, src/model/signed-scale.ts)]
 *                                         [--metric auto|diag|dense|lowrank]
 *                                         [--initial-metric gradient|curvature (where the Fisher warm-up's metric starts)]
 *
 * `--detail` adds, per fit, where the minimum ESS sits and why (samplerDetail below): per varying term also the
 * divergent draws by chain and draw with their sd, the largest sd each chain visited, and the sd above which each
 * chain's leapfrog is unstable in the term's level coordinates (stableSdBelow).
 * `--adapt default` leaves the setting to the fit's default (auto: src/fit/adapt-choice.ts). Prints one JSON line per fit.
 */
import { parseArgs } from 'node:util';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom, type HillstromModel } from '../src/data/hillstrom.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import { rhat } from '../src/diagnostics/rhat.js';
import { fitModel, type FitOptions } from '../src/fit/fit.js';
import { levelInformation, parseParameterizationArgs } from '../src/model/parameterization.js';
import { isRotated, rotatedInformation } from '../src/model/split.js';
import type { VaryingTerm } from '../src/model/spec.js';
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
    const sdOf = (x: number): number => (term.signedScale ? Math.abs(x) : Math.exp(x));
    const at: { chain: number; draw: number; sd: number; lp: number }[] = [];
    for (let i = 0; i < divergent.length; i++) {
      if (divergent[i] > 0) at.push({ chain: Math.floor(i / r.nDraws), draw: i % r.nDraws, sd: +sdOf(u[i]).toFixed(3), lp: +lp[i].toFixed(1) });
    }
    const maxSd = Array.from({ length: r.nChains }, (_, c) => {
      let m = 0;
      for (let d = 0; d < r.nDraws; d++) m = Math.max(m, sdOf(u[c * r.nDraws + d]));
      return +m.toFixed(3);
    });
    return {
      term: spec.groups[term.group].name,
      parameterization: term.parameterization,
      logSdMean: +m.toFixed(3),
      logSdSd: +Math.sqrt(v2).toFixed(3),
      logSdSkewness: +(v3 / v2 ** 1.5).toFixed(2),
      logSdEssBulk: Math.round(essBulk({ values: u, nChains: r.nChains, nDraws: r.nDraws }) ?? 0),
      metricOverVariance: r.inverseMetric.map((mi) => +((mi.length === spec.dim ? mi[k] : mi[k * spec.dim + k]) / v2).toFixed(2)),
      divergentAt: at.slice(0, 12),
      maxSd,
      stableSdBelow: stableSdBelow(fit, term),
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

/**
 * Per chain, the sd above which its leapfrog becomes unstable in the term's level coordinates, by the Gaussian
 * approximation of their conditional given the sd: level coordinate k has conditional precision about 1 + sd²·I_k in z
 * (1 in ζ = z·√(1 + sd²·I_k), sd-scale scaled), and leapfrog with step ε·√(M⁻¹_k) on a Gaussian of sd σ is stable only
 * while ε·√(M⁻¹_k) < 2σ. I_k from src/model/parameterization.ts (rotated for a folded term, src/model/split.ts).
 * Infinity (null in the JSON line): stable at every sd.
 */
function stableSdBelow(fit: Awaited<ReturnType<typeof fitModel>>, term: VaryingTerm): number[] {
  const spec = fit.model.spec;
  const r = fit.sample;
  const K = spec.groups[term.group].levels.length;
  const perLevel = levelInformation({ levels: K, index: spec.groups[term.group].index, x: term.x }, spec.y, spec.trials);
  const info = isRotated(term) ? rotatedInformation(perLevel, K) : perLevel;
  return Array.from(r.stepSize, (eps, c) => {
    let limit = Infinity;
    const mi = r.inverseMetric[c];
    for (let k = 0; k < K; k++) {
      const j = term.offset + k;
      const step = eps * Math.sqrt(mi.length === spec.dim ? mi[j] : mi[j * spec.dim + j]);
      if (term.levelInformation !== undefined) {
        if (step >= 2) limit = 0;
        continue;
      }
      if (info[k] <= 0) continue;
      const ratio = (2 / step) ** 2 - 1;
      limit = Math.min(limit, ratio <= 0 ? 0 : Math.sqrt(ratio / info[k]));
    }
    return +limit.toFixed(3);
  });
}
