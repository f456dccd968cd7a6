/**
 * Simulation-based calibration of the ITS model (Talts et al. 2018, arXiv:1804.06788, Algorithm 1), shared by the
 * test (tests/model/its/its-sbc.test.ts, few replicates) and the 200-replicate run (scripts/its-sbc.ts): a fixed
 * design (40 days, intervention on day 30, weekly Fourier order 1, one covariate), fixed priors; per replicate θ̃ from
 * the prior, y from the model at θ̃ (drawn here from the generative definition — normal, or normal / √(χ²_ν/ν) for
 * student-t — not from the model's code), NUTS on the pre-period, and the rank of θ̃ among L thinned draws. All
 * replicates run as the chains of one sample() call, chain c on data set c.
 */
import { DensityTarget } from '../../src/model/density-model/target.js';
import { itsDesign, type ItsDesign } from '../../src/model/its/design.js';
import { itsModel, type ItsFamily, type ItsPriors } from '../../src/model/its/model.js';
import { isoDay, type Series } from '../../src/model/its/series.js';
import { Rng } from '../../src/rng.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { sample } from '../../src/sampler/run.js';
import { SBC_BINS, chiSquare, familywiseCritical } from './sbc.js';

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

export interface ItsSbcParameter {
  readonly name: string;
  /** Rank of θ̃ among the L draws, per replicate. */
  readonly ranks: Int32Array;
  readonly counts: Int32Array;
  readonly chi2: number;
}

export interface ItsSbcResult {
  readonly parameters: ItsSbcParameter[];
  /** χ²₉ critical value at 1% family-wise over the parameters (Bonferroni). */
  readonly critical: number;
  readonly divergences: number;
  readonly seconds: number;
}

/** Chain c of one call evaluates targets[c] (one replicate's data each). */
function perReplicateTarget(targets: readonly DensityTarget[]): LogDensityTarget {
  const d = targets[0].dim;
  const u = new Float64Array(d);
  const g = new Float64Array(d);
  const sync = (positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): void => {
    for (let c = 0; c < nChains; c++) {
      if (active !== undefined && active[c] === 0) continue;
      for (let j = 0; j < d; j++) u[j] = positions[c * d + j];
      logp[c] = targets[c].evaluate(u, g);
      for (let j = 0; j < d; j++) grad[c * d + j] = g[j];
    }
  };
  return {
    dim: d,
    logDensityGradientSync: sync,
    logDensityGradient: (p, n, l, gr, a) => {
      sync(p, n, l, gr, a);
      return Promise.resolve();
    },
  };
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
  if ((o.L + 1) % SBC_BINS !== 0) throw new Error(`SBC: L + 1 = ${o.L + 1} is not a multiple of ${SBC_BINS}`);
  const start = performance.now();
  const base = itsSbcDesign();
  const P = base.names.length;
  const rng = new Rng(o.seed, 1000);
  const truths: Float64Array[] = [];
  const targets: DensityTarget[] = [];
  for (let r = 0; r < o.replicates; r++) {
    const theta = drawTheta(P, o.family, ITS_SBC_PRIORS, rng);
    const y = new Float64Array(base.n);
    for (let i = 0; i < base.n; i++) {
      let mu = theta[0];
      for (let j = 0; j < P; j++) mu += theta[1 + j] * base.x[i * P + j];
      const z = o.family === 'student' ? rng.normal() / Math.sqrt((2 * rng.gamma(theta[2 + P] / 2)) / theta[2 + P]) : rng.normal();
      y[i] = mu + theta[1 + P] * z;
    }
    truths.push(theta);
    targets.push(new DensityTarget(itsModel({ ...base, y }, o.family, ITS_SBC_PRIORS)));
  }
  const layout = targets[0].layout;
  const result = await sample(perReplicateTarget(targets), { chains: o.replicates, warmup: o.warmup, draws: o.L * o.thin, thin: o.thin, seed: o.seed });
  const names = targets[0].model.parameters.flatMap((b) => (b.size === 1 ? [b.name] : Array.from({ length: b.size }, (_, j) => `${b.name}[${j + 1}]`)));
  const D = layout.constrainedDim;
  const ranks = names.map(() => new Int32Array(o.replicates));
  const x = new Float64Array(D);
  for (let c = 0; c < o.replicates; c++) {
    for (let s = 0; s < o.L; s++) {
      layout.constrain(result.draws[c].subarray(s * layout.dim, (s + 1) * layout.dim), x);
      for (let j = 0; j < D; j++) if (x[j] < truths[c][j]) ranks[j][c]++;
    }
  }
  const parameters = names.map((name, j) => {
    const counts = new Int32Array(SBC_BINS);
    for (const r of ranks[j]) counts[Math.floor((r * SBC_BINS) / (o.L + 1))]++;
    return { name, ranks: ranks[j], counts, chi2: chiSquare(counts) };
  });
  return {
    parameters,
    critical: familywiseCritical(parameters.length),
    divergences: result.divergences.reduce((a, b) => a + b, 0),
    seconds: (performance.now() - start) / 1000,
  };
}
