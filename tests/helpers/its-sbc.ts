/**
 * Simulation-based calibration of the ITS model (Talts et al. 2018, arXiv:1804.06788, Algorithm 1), shared by the
 * test (tests/model/its/its-sbc.test.ts, few replicates) and the 200-replicate run (scripts/its-sbc.ts): a fixed
 * design (40 days, intervention on day 30, weekly Fourier order 1, one covariate), fixed priors; per replicate θ̃ from
 * the prior, y from the model at θ̃ (drawn here from the generative definition — normal, or normal / √(χ²_ν/ν) for
 * student-t — not from the model's code), then runDensitySbc (sbc-density.ts): NUTS on the pre-period, all replicates
 * as the chains of one sample() call, chain c on data set c, and the rank of θ̃ among L thinned draws.
 */
import { itsDesign, type ItsDesign } from '../../src/model/its/design.js';
import { itsModel, type ItsFamily, type ItsPriors } from '../../src/model/its/model.js';
import { isoDay, type Series } from '../../src/model/its/series.js';
import { Rng } from '../../src/rng.js';
import { familywiseCritical, type SbcParameter } from './sbc.js';
import { runDensitySbc, type DensityReplicate } from './sbc-density.js';

export const ITS_SBC_PRIORS: ItsPriors = { alphaMean: 0, alphaSd: 2, betaSd: 1, sigmaRate: 1, nuShape: 2, nuRate: 0.1 };

/** The fixed design every replicate shares (the outcome is replaced per replicate). */
export function itsSbcDesign(): ItsDesign {
  const n = 40;
  const start = isoDay('2024-03-01')!;
  const rng = new Rng(99, 5);
  const series: Series = {
    source: 'its sbc',
    timeKind: 'date',
    time: Float64Array.from({ length: n }, (_, d) => start + d),
    labels: Array.from({ length: n }, (_, d) => String(d)),
    y: new Float64Array(n),
    covariates: [{ name: 'x', values: Float64Array.from({ length: n }, () => rng.normal()) }],
    nPre: 30,
    intervention: start + 30,
  };
  return itsDesign(series, { seasonality: 'weekly', fourier: 1 });
}

export interface ItsSbcOptions {
  readonly family: ItsFamily;
  readonly replicates: number;
  /** Ranks among L kept draws; L + 1 a multiple of SBC_BINS. */
  readonly L: number;
  readonly thin: number;
  readonly warmup: number;
  readonly seed: number;
}

export interface ItsSbcResult {
  readonly parameters: SbcParameter[];
  /** χ²₉ critical value at 1% family-wise over the parameters (Bonferroni). */
  readonly critical: number;
  readonly divergences: number;
  readonly seconds: number;
}

/** θ̃ from the priors, laid out as the model's constrained vector. */
function drawTheta(P: number, family: ItsFamily, pr: ItsPriors, rng: Rng): Float64Array {
  const theta = new Float64Array(P + (family === 'student' ? 3 : 2));
  theta[0] = pr.alphaMean + pr.alphaSd * rng.normal();
  for (let j = 0; j < P; j++) theta[1 + j] = pr.betaSd * rng.normal();
  theta[1 + P] = rng.exponential() / pr.sigmaRate;
  if (family === 'student') theta[2 + P] = rng.gamma(pr.nuShape) / pr.nuRate;
  return theta;
}

export async function runItsSbc(o: ItsSbcOptions): Promise<ItsSbcResult> {
  const start = performance.now();
  const base = itsSbcDesign();
  const P = base.names.length;
  const rng = new Rng(o.seed, 1000);
  const replicates: DensityReplicate[] = [];
  for (let r = 0; r < o.replicates; r++) {
    const theta = drawTheta(P, o.family, ITS_SBC_PRIORS, rng);
    const y = new Float64Array(base.n);
    for (let i = 0; i < base.n; i++) {
      let mu = theta[0];
      for (let j = 0; j < P; j++) mu += theta[1 + j] * base.x[i * P + j];
      const z = o.family === 'student' ? rng.normal() / Math.sqrt((2 * rng.gamma(theta[2 + P] / 2)) / theta[2 + P]) : rng.normal();
      y[i] = mu + theta[1 + P] * z;
    }
    replicates.push({ model: itsModel({ ...base, y }, o.family, ITS_SBC_PRIORS), truth: theta });
  }
  const result = await runDensitySbc(replicates, { L: o.L, thin: o.thin, warmup: o.warmup, seed: o.seed });
  return {
    parameters: result.parameters,
    critical: familywiseCritical(result.parameters.length),
    divergences: result.divergences,
    seconds: (performance.now() - start) / 1000,
  };
}
