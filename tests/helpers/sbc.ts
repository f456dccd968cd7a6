/**
 * Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018, "Validating Bayesian inference
 * algorithms with simulation-based calibration", arXiv:1804.06788, Algorithm 1) for any ModelSpec the reference
 * backend evaluates without coordinate maps: draw θ̃ from the prior, y from the model at θ̃, sample the posterior,
 * and record the rank of θ̃ among L posterior draws. When the sampler (and the density it samples) is right, each
 * rank is uniform on 0 … L. All replicates run in lockstep as the chains of one sample() call, chain c on data set c.
 *
 * The simulators here are written independently of the model code they check: θ̃ from the priors (every family of
 * src/model/prior.ts), η from X and the group effects directly (not src/model/linear-predictor.ts), y from each
 * family's generative definition (src/model/spec.ts) with src/rng.ts's gamma and poisson, not from its
 * log-likelihood. Only the binomial constant log C(trials, y) comes from src/model/log-choose.ts (data, not θ).
 */
import { expect } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { wrapSignedScale } from '../../src/backend/signed-scale.js';
import { hasSignedScale, unsignedSpec } from '../../src/model/signed-scale.js';
import { essOfChains } from '../../src/diagnostics/ess.js';
import { familyModule } from '../../src/model/families/index.js';
import type { LinkName } from '../../src/model/families/family.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import { logChoose } from '../../src/model/log-choose.js';
import type { Prior } from '../../src/model/prior.js';
import type { AuxCoordinate, Family, ModelSpec, Parameterization, VaryingTerm } from '../../src/model/spec.js';
import { normalCdf } from '../../src/numeric/normal-cdf.js';
import { Rng } from '../../src/rng.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { sample } from '../../src/sampler/run.js';

/** Ranks are grouped in BINS bins; the χ² test has BINS − 1 = 9 degrees of freedom. */
export const SBC_BINS = 10;
/** 0.99 quantile of χ²₉ (R: qchisq(0.99, 9) = 21.66599). */
export const CHI2_9_99 = 21.666;

/**
 * P(χ²₉ > x) in closed form (odd degrees of freedom, Abramowitz & Stegun 26.4.4):
 * 2Φ(−√x) + √(2/π) e^{−x/2} (√x + x^{3/2}/3 + x^{5/2}/15 + x^{7/2}/105).
 */
export function chiSquare9Survival(x: number): number {
  const s = Math.sqrt(x);
  return 2 * normalCdf(-s) + Math.sqrt(2 / Math.PI) * Math.exp(-x / 2) * (s + s ** 3 / 3 + s ** 5 / 15 + s ** 7 / 105);
}

/** The χ²₉ critical value at level `alpha` (bisection of chiSquare9Survival): 21.666 at 0.01 (R's qchisq). */
export function chiSquare9Critical(alpha: number): number {
  let lo = 0;
  let hi = 200;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (chiSquare9Survival(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The critical value for m histograms of one model tested together at 1% family-wise (Bonferroni: each at 1%/m),
 * so that a calibrated sampler fails a model's test with probability at most 1% however many parameters it has
 * (R: qchisq(1 − 0.01/m, 9); 27.60 for m = 9, 30.24 for m = 25).
 */
export function familywiseCritical(m: number): number {
  return chiSquare9Critical(0.01 / m);
}

/** A draw from `prior` (constrained scale), for every prior family of src/model/prior.ts. */
export function drawPrior(prior: Prior, rng: Rng): number {
  const p = prior.params;
  switch (prior.family) {
    case 'normal':
      return p[0] + p[1] * rng.normal();
    case 'student_t':
      return p[1] + p[2] * studentT(p[0], rng);
    case 'halfnormal':
      return Math.abs(p[0] * rng.normal());
    case 'halfstudent_t':
      return Math.abs(p[1] * studentT(p[0], rng));
    case 'exponential':
      return rng.exponential() / p[0];
    case 'gamma':
      return rng.gamma(p[0]) / p[1];
  }
}

/** Student t with ν degrees of freedom: Z / √(V/ν), V ~ χ²_ν = 2·Gamma(ν/2). */
function studentT(nu: number, rng: Rng): number {
  return rng.normal() / Math.sqrt((2 * rng.gamma(nu / 2)) / nu);
}

export interface SbcModelOptions {
  readonly family: Family;
  /** 'probit' for bernoulli/binomial; the family's own link otherwise. */
  readonly link?: LinkName;
  readonly n: number;
  /** Levels of the grouping factor g of the varying intercept (1 | g); 0 for a pooled model. */
  readonly levels: number;
  readonly seed: number;
  readonly intercept: Prior;
  /** Prior of b_x, x ~ Normal(0, 1) per row. */
  readonly b: Prior;
  readonly sd?: Prior;
  /** Prior of the family's auxiliary parameter (sigma or shape). */
  readonly aux?: Prior;
  /** binomial: trials per row uniform on 1 … maxTrials. */
  readonly maxTrials?: number;
  readonly parameterization?: Parameterization;
}

/**
 * y ~ family(η, aux), η = b_Intercept + b_x·x + r_g[g] (the varying intercept when levels > 0): the design, the
 * priors and the layout of src/model/spec.ts; y is a placeholder inside every family's support (replaced by
 * simulate()).
 */
export function sbcSpec(o: SbcModelOptions): ModelSpec {
  const rng = new Rng(o.seed, 77);
  const { n } = o;
  const X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = 1;
    X[2 * i + 1] = rng.normal();
  }
  let dim = 2;
  const groups = [];
  const terms: VaryingTerm[] = [];
  if (o.levels > 0) {
    if (!o.sd) throw new Error('sbcSpec: a varying intercept needs an sd prior');
    const index = new Uint32Array(n);
    for (let i = 0; i < n; i++) index[i] = i < o.levels ? i : rng.int(o.levels); // every level has a row
    groups.push({ name: 'g', levels: Array.from({ length: o.levels }, (_, k) => `G${k + 1}`), index });
    terms.push({ group: 0, term: 'Intercept', x: null, parameterization: o.parameterization ?? 'noncentered', sdPrior: o.sd, sdIndex: dim, offset: dim + 1 });
    dim += 1 + o.levels;
  }
  const module = familyModule(o.family, o.link);
  const aux: AuxCoordinate[] = module.aux.map((a) => {
    if (!o.aux) throw new Error(`sbcSpec: family ${o.family} needs a prior for ${a.name}`);
    return { name: a.name, prior: o.aux, index: dim++ };
  });
  let trials: Float64Array | null = null;
  if (o.family === 'binomial') {
    const max = o.maxTrials ?? 10;
    trials = Float64Array.from({ length: n }, () => 1 + rng.int(max));
  }
  const y = new Float64Array(n).fill(1);
  return {
    formula: `y ~ x${o.levels > 0 ? ' + (1 | g)' : ''}`,
    family: o.family,
    ...(o.link === 'probit' ? { link: o.link } : {}),
    n,
    outcome: 'y',
    y,
    trials,
    logChoose: trials ? logChoose(trials, y) : null,
    fixed: { names: ['Intercept', 'x'], X, interceptColumn: 0, priors: [o.intercept, o.b] },
    groups,
    terms,
    dim,
    aux,
  };
}

/** θ̃ on the unconstrained scale (src/model/spec.ts's layout) drawn from the priors of `spec`. */
export function drawTheta(spec: ModelSpec, rng: Rng): Float64Array {
  if (spec.fixedBasis) throw new Error('SBC helper: specs with a fixed basis are not supported');
  const theta = new Float64Array(spec.dim);
  spec.fixed.priors.forEach((prior, j) => {
    theta[j] = drawPrior(prior, rng);
  });
  for (const term of spec.terms) {
    if (term.parameterization === 'split' || (term.foldColumn ?? -1) >= 0) throw new Error('SBC helper: split or folded terms are not supported');
    const sd = drawPrior(term.sdPrior, rng);
    // a signed sd (src/model/signed-scale.ts) is drawn as its positive preimage v = sd, a scaled term's levels as
    // ζ_k = z_k·√(1 + sd²·I_k)
    theta[term.sdIndex] = term.signedScale ? sd : Math.log(sd);
    const K = spec.groups[term.group].levels.length;
    const scale = term.parameterization === 'centered' ? sd : 1;
    const info = term.levelInformation;
    for (let k = 0; k < K; k++) theta[term.offset + k] = scale * rng.normal() * (info ? Math.sqrt(1 + sd * sd * info[k]) : 1);
  }
  for (const a of spec.aux ?? []) theta[a.index] = Math.log(drawPrior(a.prior, rng));
  return theta;
}

/** η at θ (unconstrained), computed from the definition: X b + Σ_t x_t · r_t[group]. */
export function etaAt(spec: ModelSpec, theta: Float64Array): Float64Array {
  const p = spec.fixed.names.length;
  const eta = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += spec.fixed.X[i * p + j] * theta[j];
    for (const term of spec.terms) {
      const v = theta[term.offset + spec.groups[term.group].index[i]];
      const scale = term.signedScale ? theta[term.sdIndex] : Math.exp(theta[term.sdIndex]);
      const info = term.levelInformation;
      const level = spec.groups[term.group].index[i];
      const r = (term.parameterization === 'noncentered' ? scale * v : v) / (info ? Math.sqrt(1 + scale * scale * info[level]) : 1);
      s += (term.x ? term.x[i] : 1) * r;
    }
    eta[i] = s;
  }
  return eta;
}

/**
 * One outcome y_i of `spec`'s family at linear predictor eta and auxiliary parameters aux (constrained), by the
 * family's generative definition (src/model/spec.ts).
 */
export function drawOutcome(spec: ModelSpec, i: number, eta: number, aux: ArrayLike<number>, rng: Rng): number {
  const probit = spec.link === 'probit';
  const success = (): number => (probit ? (eta + rng.normal() > 0 ? 1 : 0) : rng.bernoulli(1 / (1 + Math.exp(-eta))));
  switch (spec.family) {
    case 'bernoulli':
      return success();
    case 'binomial': {
      let k = 0;
      for (let m = 0; m < (spec.trials as Float64Array)[i]; m++) k += success();
      return k;
    }
    case 'gaussian':
      return eta + aux[0] * rng.normal();
    case 'lognormal':
      return Math.exp(eta + aux[0] * rng.normal());
    case 'poisson':
      return rng.poisson(Math.exp(eta));
    case 'negbinomial':
      // NB2 as a gamma–poisson mixture: λ ~ Gamma(shape φ, mean μ), y | λ ~ Poisson(λ): E y = μ, Var y = μ + μ²/φ
      return rng.poisson((Math.exp(eta) * rng.gamma(aux[0])) / aux[0]);
    case 'gamma':
      // shape α, mean μ: Gamma(α, rate 1)·μ/α
      return (Math.exp(eta) * rng.gamma(aux[0])) / aux[0];
  }
}

export interface Simulation {
  readonly theta: Float64Array;
  readonly spec: ModelSpec;
}

/** θ̃ from the prior and a data set simulated at it (the base spec's design, outcome replaced). */
export function simulate(base: ModelSpec, rng: Rng): Simulation {
  const theta = drawTheta(base, rng);
  const eta = etaAt(base, theta);
  const aux = (base.aux ?? []).map((a) => Math.exp(theta[a.index]));
  const y = new Float64Array(base.n);
  for (let i = 0; i < base.n; i++) {
    y[i] = drawOutcome(base, i, eta[i], aux, rng);
    // the priors must keep the data inside the family's support: fail loudly, never redraw (it would bias SBC)
    if (!Number.isFinite(y[i]) || ((base.family === 'gamma' || base.family === 'lognormal') && !(y[i] > 0))) {
      throw new Error(`SBC simulation: y[${i}] = ${y[i]} at η = ${eta[i]}, aux = ${aux.join(', ')}; choose tighter priors`);
    }
  }
  const spec: ModelSpec = { ...base, y, logChoose: base.trials ? logChoose(base.trials, y) : null };
  return { theta, spec };
}

/** Chain c evaluates data set c. */
/** The reference backend of one replicate's spec; a spec with signed sds gets the map around it (src/backend/signed-scale.ts). */
function replicateBackend(spec: ModelSpec): Backend {
  return hasSignedScale(spec) ? wrapSignedScale(spec, new ReferenceBackend(unsignedSpec(spec))) : new ReferenceBackend(spec);
}

function perChainTarget(backends: Backend[], dim: number): LogDensityTarget {
  return {
    dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      for (let c = 0; c < nChains; c++) {
        if (active && !active[c]) continue;
        await backends[c].logDensityGradient(positions.subarray(c * dim, (c + 1) * dim), 1, logp.subarray(c, c + 1), grad.subarray(c * dim, (c + 1) * dim));
      }
    },
  };
}

export interface SbcOptions {
  readonly replicates: number;
  /** Ranks among L draws (L + 1 possible ranks, a multiple of SBC_BINS). */
  readonly L: number;
  readonly thin: number;
  readonly warmup: number;
  readonly seed: number;
  /** The sampler's seed when it should differ from `seed` (which then seeds the simulations only). */
  readonly samplerSeed?: number;
  /** Which constrained parameters to test (default: all). */
  readonly tested?: (name: string) => boolean;
}

export interface SbcParameter {
  readonly name: string;
  readonly counts: Int32Array;
  readonly chi2: number;
  /** Mean rank/L over replicates: 0.5 ± 0.29/√replicates when calibrated; below: the posterior sits above the truth. */
  readonly meanRank: number;
  /** Standard error of meanRank over the replicates (sd of rank/L / √replicates), where the runner computes it. */
  readonly meanRankSe?: number;
  /** Median over replicates of ESS/L of the kept draws (1 for independent draws). */
  readonly essRatio: number;
}

export interface SbcResult {
  readonly parameters: SbcParameter[];
  readonly seconds: number;
  /** CPU seconds of this process (user + system) over the same span: the cost on a shared machine. */
  readonly cpuSeconds: number;
  /** Post-warm-up divergent transitions, all replicates together, and the replicates with any. */
  readonly divergences: number;
  readonly divergentReplicates: number;
  /** Mean gradient evaluations per replicate (warm-up and sampling). */
  readonly gradientsPerReplicate: number;
  /** Largest and mean |y| over every simulated data set (to show the data stay sane). */
  readonly maxAbsY: number;
  readonly meanY: number;
}

function cpuTotal(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** χ² statistic of bin counts against the uniform expectation. */
export function chiSquare(counts: ArrayLike<number>): number {
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b];
  const expected = total / counts.length;
  let x = 0;
  for (let b = 0; b < counts.length; b++) x += (counts[b] - expected) ** 2 / expected;
  return x;
}

export async function runSbc(base: ModelSpec, o: SbcOptions): Promise<SbcResult> {
  if ((o.L + 1) % SBC_BINS !== 0) throw new Error(`SBC: L + 1 = ${o.L + 1} is not a multiple of ${SBC_BINS}`);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const rng = new Rng(o.seed, 1000);
  const sims = Array.from({ length: o.replicates }, () => simulate(base, rng));
  let maxAbsY = 0;
  let sumY = 0;
  for (const s of sims) for (const v of s.spec.y) {
    maxAbsY = Math.max(maxAbsY, Math.abs(v));
    sumY += v;
  }
  const target = perChainTarget(sims.map((s) => replicateBackend(s.spec)), base.dim);
  const result = await sample(target, { chains: o.replicates, warmup: o.warmup, draws: o.L * o.thin, thin: o.thin, seed: o.samplerSeed ?? o.seed });
  expect(result.nDraws).toBe(o.L);
  const names = constrainedNames(base);
  const D = constrainedDim(base);
  const tested = names.map((name) => (o.tested ? o.tested(name) : true));
  const counts = names.map(() => new Int32Array(SBC_BINS));
  const essRatios = names.map(() => new Float64Array(o.replicates));
  const rankSums = new Float64Array(D);
  const truth = new Float64Array(D);
  const draws = new Float64Array(o.L * D);
  const column = new Float64Array(o.L);
  for (let c = 0; c < o.replicates; c++) {
    constrain(base, sims[c].theta, truth);
    for (let s = 0; s < o.L; s++) constrain(base, result.draws[c].subarray(s * base.dim, (s + 1) * base.dim), draws, s * D);
    for (let j = 0; j < D; j++) {
      if (!tested[j]) continue;
      let rank = 0;
      for (let s = 0; s < o.L; s++) {
        column[s] = draws[s * D + j];
        if (column[s] < truth[j]) rank++;
      }
      counts[j][Math.floor((rank * SBC_BINS) / (o.L + 1))]++;
      rankSums[j] += rank / o.L;
      essRatios[j][c] = (essOfChains({ values: column, nChains: 1, nDraws: o.L }) ?? 0) / o.L;
    }
  }
  const parameters: SbcParameter[] = [];
  names.forEach((name, j) => {
    if (!tested[j]) return;
    const sorted = Float64Array.from(essRatios[j]).sort();
    parameters.push({ name, counts: counts[j], chi2: chiSquare(counts[j]), meanRank: rankSums[j] / o.replicates, essRatio: sorted[Math.floor(o.replicates / 2)] });
  });
  let divergences = 0;
  let divergentReplicates = 0;
  for (const d of result.divergences) {
    divergences += d;
    if (d > 0) divergentReplicates++;
  }
  let gradients = 0;
  for (const g of result.gradientEvaluations) gradients += g;
  return {
    parameters,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: cpuTotal(process.cpuUsage(cpuStart)),
    divergences,
    divergentReplicates,
    gradientsPerReplicate: gradients / o.replicates,
    maxAbsY,
    meanY: sumY / (o.replicates * base.n),
  };
}

/** One line per model for the test log: time, work, data range, divergences, and every parameter's χ²₉. */
export function describeSbc(label: string, r: SbcResult): string {
  const worst = r.parameters.reduce((a, b) => (b.chi2 > a.chi2 ? b : a));
  const minEss = Math.min(...r.parameters.map((p) => p.essRatio));
  const each = r.parameters.map((p) => `${p.name} ${p.chi2.toFixed(1)}`).join(', ');
  return (
    `SBC ${label}: ${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s), ${Math.round(r.gradientsPerReplicate)} gradients/replicate, ` +
    `mean y ${r.meanY.toPrecision(3)}, max |y| ${r.maxAbsY.toPrecision(3)}, divergences ${r.divergences} (in ${r.divergentReplicates} replicates), ` +
    `min median ESS/L ${minEss.toFixed(2)}; largest χ²₉ ${worst.chi2.toFixed(2)} (${worst.name}) vs ${familywiseCritical(r.parameters.length).toFixed(2)} ` +
    `(1% family-wise), ${r.parameters.filter((p) => p.chi2 >= CHI2_9_99).length} above ${CHI2_9_99} (1% each); ` +
    `${r.parameters.length} tested: ${each}`
  );
}

/** Every tested parameter's rank histogram passes the χ²₉ test, at 1% family-wise over the model's parameters. */
export function expectCalibrated(r: SbcResult): void {
  const critical = familywiseCritical(r.parameters.length);
  for (const p of r.parameters) {
    expect(p.chi2, `${p.name}: χ²₉ = ${p.chi2.toFixed(2)}, bins ${Array.from(p.counts).join(' ')}`).toBeLessThan(critical);
  }
}
