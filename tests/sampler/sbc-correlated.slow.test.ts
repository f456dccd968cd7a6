/**
 * Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018, arXiv:1804.06788, Algorithm 1) of
 * one small correlated model, `y ~ 1 + x1 + x2 + x3 + (1 + x1 | g)` on 200 rows with 8 groups (bernoulli,
 * tests/helpers/specs.ts correlatedSpec): b ~ Normal(0, 1) for the intercept and Normal(0, 0.5) for the slopes,
 * sd_Intercept ~ HalfNormal(0.5), sd_x1 ~ Exponential(2), Ω ~ LKJ(2), non-centered, the levels' means folded into
 * the fixed intercept and b_x1. θ̃ is drawn from that prior — the partial correlation as (z + 1)/2 ~ Beta(η, η), the
 * LKJ(η) law of the one correlation when m = 2 (src/model/correlation.ts) — y from the model at θ̃, and the rank of
 * θ̃ among L = 99 posterior draws (198 thinned by 2) recorded for every constrained parameter (b, sd, cor, r).
 * Ranks in 10 bins, χ² with 9 degrees of freedom for each, at 1% family-wise over the model's parameters (Bonferroni,
 * tests/helpers/sbc.ts familywiseCritical). The log density goes
 * through createBackend, i.e. the correlated-terms map (src/backend/correlated-terms.ts), on the native backend
 * when the addon is built (its calls cost a fraction of the reference backend's; agreement to 1e-10 is
 * tests/backend/correlated-terms.test.ts), else on the reference backend.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createBackend } from '../../src/backend/select.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { betaVariate } from '../../src/decision/gamma-beta.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import type { Prior } from '../../src/model/prior.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { sample } from '../../src/sampler/run.js';
import { CHI2_9_99, familywiseCritical } from '../helpers/sbc.js';
import { correlatedSpec } from '../helpers/specs.js';

const REPLICATES = 200;
const BINS = 10;
const L = 99;

function drawPrior(prior: Prior, rng: Rng): number {
  switch (prior.family) {
    case 'normal':
      return prior.params[0] + prior.params[1] * rng.normal();
    case 'halfnormal':
      return Math.abs(prior.params[0] * rng.normal());
    case 'exponential':
      return rng.exponential() / prior.params[0];
    default:
      throw new Error(`SBC test draws only normal, halfnormal and exponential priors, not ${prior.family}`);
  }
}

/** θ̃ (unconstrained) from the prior, and the data set simulated at it. */
function simulate(spec: ModelSpec, rng: Rng): { theta: Float64Array; spec: ModelSpec } {
  const theta = new Float64Array(spec.dim);
  const p = spec.fixed.names.length;
  const values = new Float64Array(constrainedDim(spec));
  const names = constrainedNames(spec);
  // the natural coefficients b (no fixed basis here), then the folds: the coordinate holds b + mean r, set below
  const b = spec.fixed.priors.map((prior) => drawPrior(prior, rng));
  for (const term of spec.terms) {
    theta[term.sdIndex] = Math.log(drawPrior(term.sdPrior, rng));
    for (let k = 0; k < spec.groups[term.group].levels.length; k++) theta[term.offset + k] = rng.normal();
  }
  const block = spec.correlated![0];
  theta[block.cpcIndex] = Math.atanh(2 * betaVariate(rng, block.eta, block.eta) - 1);
  // with b's coordinates at 0, constrain gives −mean r in the folded columns: the coordinates are b + mean r
  constrain(spec, theta, values);
  for (let j = 0; j < p; j++) theta[j] = b[j] - values[j];
  constrain(spec, theta, values);
  for (let j = 0; j < p; j++) expect(Math.abs(values[j] - b[j])).toBeLessThan(1e-12);
  const rStart = spec.terms.map((t) => names.indexOf(`r_${spec.groups[t.group].name}__${t.term}[1]`));
  const y = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += spec.fixed.X[i * p + j] * b[j];
    spec.terms.forEach((term, t) => {
      eta += (term.x ? term.x[i] : 1) * values[rStart[t] + spec.groups[term.group].index[i]];
    });
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-eta)));
  }
  return { theta, spec: { ...spec, y } };
}

/** Chain c evaluates data set c. */
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

describe('simulation-based calibration of a correlated (1 + x | g) model', () => {
  it('rank histograms of b, sd, cor and r are uniform (χ² test at 1%)', async () => {
    const generated = correlatedSpec({ n: 200, seed: 2025, blocks: [{ K: 8, m: 2, parameterization: 'noncentered', eta: 2 }], fold: true });
    const base: ModelSpec = {
      ...generated,
      fixed: { ...generated.fixed, priors: [{ family: 'normal', params: [0, 1] }, ...generated.fixed.priors.slice(1)] },
    };
    const rng = new Rng(2025, 1000);
    const sims = Array.from({ length: REPLICATES }, () => simulate(base, rng));
    const kind = loadNativeAddon() ? 'native' : 'reference';
    const backends = await Promise.all(sims.map((s) => createBackend(kind, s.spec, { maxChains: 1, threads: 1 })));
    const result = await sample(perChainTarget(backends, base.dim), { chains: REPLICATES, warmup: 200, draws: 2 * L, thin: 2, seed: 2025 });
    expect(result.nDraws).toBe(L);
    const names = constrainedNames(base);
    const D = constrainedDim(base);
    expect(names).toContain('cor_g1__Intercept__x1');
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
    const chi2 = names.map((name, j) => [name, counts[j].reduce((x, n) => x + (n - expected) ** 2 / expected, 0)] as const);
    const [worst, worstX] = chi2.reduce((a, b) => (b[1] > a[1] ? b : a));
    const gradients = result.gradientEvaluations.reduce((a, b) => a + b, 0);
    const critical = familywiseCritical(chi2.length);
    console.log(`SBC correlated (${kind}, ${gradients} gradients): largest χ²₉ = ${worstX.toFixed(2)} (${worst}), cor χ²₉ = ${chi2.find(([n]) => n.startsWith('cor_'))![1].toFixed(2)}, critical value at 1% family-wise over ${chi2.length} = ${critical.toFixed(2)}, ${chi2.filter(([, x]) => x >= CHI2_9_99).length} above ${CHI2_9_99} (1% each)`);
    for (const [name, x] of chi2) expect(x, `${name}: χ²₉ = ${x.toFixed(2)}`).toBeLessThan(critical);
    await Promise.all(backends.map((b) => b.dispose()));
  }, 300_000);
});
