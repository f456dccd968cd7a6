/**
 * Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018, "Validating Bayesian inference
 * algorithms with simulation-based calibration", arXiv:1804.06788, Algorithm 1): draw θ̃ from the prior, y from the
 * model at θ̃, sample the posterior, and record the rank of θ̃ among L posterior draws. When the sampler is right,
 * each rank is uniform on 0 … L. Here L = 99 (198 post-warm-up iterations thinned by 2), ranks are grouped in 10
 * bins of 10, and a chi-square test with 9 degrees of freedom at 1% (critical value 21.666, the 0.99 quantile of
 * χ²₉) must pass for every parameter.
 *
 * Models: the pooled and the hierarchical logistic regressions of tests/helpers/specs.ts (200 rows; priors of the
 * reference analysis: Intercept ~ N(−3, 1), b ~ N(0, 0.5), sd ~ HalfNormal(0.5), non-centered z ~ N(0, 1)), log
 * density from the reference backend. Each replicate is its own data set and its own chain; all replicates run
 * in lockstep as the chains of one sample() call.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import type { Prior } from '../../src/model/prior.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { sample } from '../../src/sampler/run.js';
import { randomSpec } from '../helpers/specs.js';

const REPLICATES = 200;
const BINS = 10;
const L = 99;
const CHI2_9_99 = 21.666;

function drawPrior(prior: Prior, rng: Rng): number {
  switch (prior.family) {
    case 'normal':
      return prior.params[0] + prior.params[1] * rng.normal();
    case 'halfnormal':
      return Math.abs(prior.params[0] * rng.normal());
    default:
      throw new Error(`SBC test draws only normal and halfnormal priors, not ${prior.family}`);
  }
}

/** θ̃ (unconstrained) from the prior, and the data set simulated at it. */
function simulate(spec: ModelSpec, rng: Rng): { theta: Float64Array; spec: ModelSpec } {
  const theta = new Float64Array(spec.dim);
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) theta[j] = drawPrior(spec.fixed.priors[j], rng);
  for (const term of spec.terms) {
    theta[term.sdIndex] = Math.log(drawPrior(term.sdPrior, rng));
    const K = spec.groups[term.group].levels.length;
    for (let k = 0; k < K; k++) theta[term.offset + k] = rng.normal();
  }
  const y = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += spec.fixed.X[i * p + j] * theta[j];
    for (const term of spec.terms) {
      const r = Math.exp(theta[term.sdIndex]) * theta[term.offset + spec.groups[term.group].index[i]];
      eta += (term.x ? term.x[i] : 1) * r;
    }
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-eta)));
  }
  return { theta, spec: { ...spec, y } };
}

/** Chain c evaluates data set c. */
function perChainTarget(backends: ReferenceBackend[], dim: number): LogDensityTarget {
  return {
    dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      for (let c = 0; c < nChains; c++) {
        if (active && !active[c]) continue;
        await backends[c].logDensityGradient(
          positions.subarray(c * dim, (c + 1) * dim),
          1,
          logp.subarray(c, c + 1),
          grad.subarray(c * dim, (c + 1) * dim),
        );
      }
    },
  };
}

async function sbc(kind: 'pooled' | 'hierarchical', seed: number): Promise<Map<string, number>> {
  const base = randomSpec(kind, { n: 200, seed });
  const rng = new Rng(seed, 1000);
  const sims = Array.from({ length: REPLICATES }, () => simulate(base, rng));
  const target = perChainTarget(sims.map((s) => new ReferenceBackend(s.spec)), base.dim);
  const result = await sample(target, { chains: REPLICATES, warmup: 200, draws: 2 * L, thin: 2, seed });
  expect(result.nDraws).toBe(L);
  const names = constrainedNames(base);
  const D = constrainedDim(base);
  const counts = names.map(() => new Int32Array(BINS));
  const truth = new Float64Array(D);
  const row = new Float64Array(D);
  for (let c = 0; c < REPLICATES; c++) {
    constrain(base, sims[c].theta, truth);
    const ranks = new Int32Array(D);
    for (let s = 0; s < L; s++) {
      constrain(base, result.draws[c].subarray(s * base.dim, (s + 1) * base.dim), row);
      for (let j = 0; j < D; j++) if (row[j] < truth[j]) ranks[j]++;
    }
    for (let j = 0; j < D; j++) counts[j][Math.floor((ranks[j] * BINS) / (L + 1))]++;
  }
  const expected = REPLICATES / BINS;
  const chi2 = new Map<string, number>();
  names.forEach((name, j) => {
    let x = 0;
    for (const n of counts[j]) x += (n - expected) ** 2 / expected;
    chi2.set(name, x);
  });
  return chi2;
}

describe('simulation-based calibration', () => {
  for (const kind of ['pooled', 'hierarchical'] as const) {
    it(`${kind} logistic model: rank histograms of every parameter are uniform (χ² test at 1%)`, async () => {
      const chi2 = await sbc(kind, 2024);
      expect(chi2.size).toBe(kind === 'pooled' ? 4 : 4 + 1 + 7 + 7);
      const [worst, worstX] = [...chi2].reduce((a, b) => (b[1] > a[1] ? b : a));
      console.log(`SBC ${kind}: largest χ²₉ = ${worstX.toFixed(2)} (${worst}), critical value at 1% = ${CHI2_9_99}`);
      for (const [name, x] of chi2) expect(x, `${name}: χ²₉ = ${x.toFixed(2)}`).toBeLessThan(CHI2_9_99);
    });
  }
});
