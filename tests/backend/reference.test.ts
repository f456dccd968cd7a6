/**
 * The reference backend against (1) an independent hand-written computation of the log density, written from the
 * model's definition with constrained parameters and naive formulas, and (2) central finite differences with
 * Richardson extrapolation for the gradient.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import type { ModelSpec } from '../../src/model/spec.js';
import type { Prior } from '../../src/model/prior.js';
import { randomPositions, randomSpec, relDiff, type SpecKind } from '../helpers/specs.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom } from '../../src/data/hillstrom.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { SEPARATION_FORMULAS } from '../../src/data/simulate/separation.js';
import { buildModel } from '../../src/model/build.js';
import { createBackend } from '../../src/backend/select.js';
import { hillstromPath } from '../helpers/hillstrom.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';

/** Density of each prior family written directly from its textbook pdf (not from src/model/prior.ts). */
function naivePriorLogPdf(prior: Prior, x: number): number {
  const [a, b, c] = prior.params;
  const gamma = (z: number): number => {
    // Γ by the reflection-free Stirling series with recursion upward; adequate to 1e-13 for the small arguments used
    let shift = 1;
    while (z < 20) {
      shift *= z;
      z += 1;
    }
    const series = 1 + 1 / (12 * z) + 1 / (288 * z * z) - 139 / (51840 * z ** 3) - 571 / (2488320 * z ** 4);
    return (Math.sqrt((2 * Math.PI) / z) * (z / Math.E) ** z * series) / shift;
  };
  const t = (v: number, nu: number, mu: number, s: number) =>
    (gamma((nu + 1) / 2) / (gamma(nu / 2) * Math.sqrt(nu * Math.PI) * s)) * (1 + ((v - mu) / s) ** 2 / nu) ** (-(nu + 1) / 2);
  const normal = (v: number, mu: number, s: number) => Math.exp(-0.5 * ((v - mu) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  switch (prior.family) {
    case 'normal':
      return Math.log(normal(x, a, b));
    case 'student_t':
      return Math.log(t(x, a, b, c));
    case 'halfnormal':
      return Math.log(2 * normal(x, 0, a));
    case 'halfstudent_t':
      return Math.log(2 * t(x, a, 0, b));
    case 'exponential':
      return Math.log(a * Math.exp(-a * x));
    case 'gamma':
      return Math.log((b ** a * x ** (a - 1) * Math.exp(-b * x)) / gamma(a));
  }
}

function handWrittenLogDensity(spec: ModelSpec, theta: Float64Array): number {
  const p = spec.fixed.names.length;
  let lp = 0;
  for (let j = 0; j < p; j++) lp += naivePriorLogPdf(spec.fixed.priors[j], theta[j]);
  const effects = spec.terms.map((term) => {
    const sd = Math.exp(theta[term.sdIndex]);
    lp += naivePriorLogPdf(term.sdPrior, sd) + Math.log(sd); // |d sd / d u| = sd
    const K = spec.groups[term.group].levels.length;
    const r: number[] = [];
    for (let k = 0; k < K; k++) {
      const v = theta[term.offset + k];
      if (term.parameterization === 'noncentered') {
        lp += naivePriorLogPdf({ family: 'normal', params: [0, 1] }, v);
        r.push(sd * v);
      } else {
        lp += naivePriorLogPdf({ family: 'normal', params: [0, sd] }, v);
        r.push(v);
      }
    }
    return r;
  });
  for (let i = 0; i < spec.n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += spec.fixed.X[i * p + j] * theta[j];
    spec.terms.forEach((term, t) => {
      eta += (term.x ? term.x[i] : 1) * effects[t][spec.groups[term.group].index[i]];
    });
    const prob = 1 / (1 + Math.exp(-eta));
    const n = spec.trials ? spec.trials[i] : 1;
    const k = spec.y[i];
    lp += k * Math.log(prob) + (n - k) * Math.log(1 - prob) + (spec.logChoose ? spec.logChoose[i] : 0);
  }
  return lp;
}

const KINDS: SpecKind[] = ['pooled', 'hierarchical', 'crossed', 'binomial'];

describe('reference backend', () => {
  for (const kind of KINDS) {
    it(`log density equals the hand-written computation (${kind})`, async () => {
      const spec = randomSpec(kind, { n: 1500, seed: 3 });
      const backend = await createReferenceBackend(spec);
      const C = 3;
      const pos = randomPositions(spec, C, 11);
      const logp = new Float64Array(C);
      const grad = new Float64Array(C * spec.dim);
      await backend.logDensityGradient(pos, C, logp, grad);
      for (let c = 0; c < C; c++) {
        const expected = handWrittenLogDensity(spec, pos.subarray(c * spec.dim, (c + 1) * spec.dim));
        // the naive formulas (log(1 − prob) for rare events) lose a few digits; 1e-9 still catches any modelling slip
        expect(relDiff(logp[c], expected)).toBeLessThan(1e-9);
      }
    });

    it(`gradient agrees with central finite differences to 1e-6 (${kind})`, async () => {
      const spec = randomSpec(kind, { n: 1500, seed: 5 });
      const backend = await createReferenceBackend(spec);
      const pos = randomPositions(spec, 1, 13);
      const logp = new Float64Array(1);
      const grad = new Float64Array(spec.dim);
      await backend.logDensityGradient(pos, 1, logp, grad);
      const worst = await maxFiniteDifferenceError(spec, backend.logDensityGradient.bind(backend), pos, grad);
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('evaluates only the active chains', async () => {
    const spec = randomSpec('crossed', { n: 500 });
    const backend = await createReferenceBackend(spec);
    const pos = randomPositions(spec, 3);
    const logp = new Float64Array([7, 7, 7]);
    const grad = new Float64Array(3 * spec.dim).fill(7);
    await backend.logDensityGradient(pos, 3, logp, grad, new Uint8Array([0, 1, 0]));
    expect(logp[0]).toBe(7);
    expect(logp[2]).toBe(7);
    expect(logp[1]).not.toBe(7);
    expect(grad[0]).toBe(7);
    expect(grad[2 * spec.dim]).toBe(7);
  });

  it('is stable for large |eta| (no NaN, no -Infinity from log(0))', async () => {
    const spec = randomSpec('pooled', { n: 200 });
    const backend = await createReferenceBackend(spec);
    const pos = new Float64Array(spec.dim);
    pos[0] = 800; // eta ≈ 800 for every row: softplus must not overflow
    const logp = new Float64Array(1);
    const grad = new Float64Array(spec.dim);
    await backend.logDensityGradient(pos, 1, logp, grad);
    expect(Number.isFinite(logp[0])).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    // each non-converting row contributes -softplus(800) = -800 exactly in double precision
    const zeros = spec.y.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
    const priorPart = -0.5 * ((800 + 3) / 1) ** 2 - 0.5 * Math.log(2 * Math.PI) + 3 * (-0.5 * Math.log(2 * Math.PI) - Math.log(0.5));
    expect(relDiff(logp[0], priorPart - 800 * zeros)).toBeLessThan(1e-12);
  });

  it('pointwise log-likelihood sums to the likelihood part of the log density', async () => {
    const spec = randomSpec('binomial', { n: 800 });
    const backend = await createReferenceBackend(spec);
    const S = 2;
    const draws = randomPositions(spec, S, 21);
    const out = new Float64Array(S * 300);
    await backend.pointwiseLogLik(draws, S, 250, 300, out);
    for (let s = 0; s < S; s++) {
      const theta = draws.subarray(s * spec.dim, (s + 1) * spec.dim);
      // the likelihood of rows 250..549 by the hand-written code, restricted to those rows
      const sub: ModelSpec = restrictRows(spec, 250, 300);
      const priorOnly: ModelSpec = restrictRows(spec, 0, 0);
      const expected = handWrittenLogDensity(sub, theta) - handWrittenLogDensity(priorOnly, theta);
      let got = 0;
      for (let j = 0; j < 300; j++) got += out[s * 300 + j];
      expect(relDiff(got, expected)).toBeLessThan(1e-10);
    }
  });
});

const realPath = hillstromPath();
if (!realPath) console.warn('NOTICE: reference gradient on the real Hillstrom data skipped: ../shared/data/hillstrom.csv not present');

describe.skipIf(!realPath)('reference gradient on the real Hillstrom data (64,000 rows)', () => {
  for (const model of ['pooled', 'hierarchical', 'crossed'] as const) {
    it(`agrees with central finite differences to 1e-6 (${model})`, async () => {
      const { spec } = buildModel(loadHillstrom(realPath!), HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model] });
      const backend = await createBackend('reference', spec); // crossed: split intercepts, mapped by split-terms.ts
      for (const seed of [1, 2]) {
        const pos = randomPositions(spec, 1, seed);
        const logp = new Float64Array(1);
        const grad = new Float64Array(spec.dim);
        await backend.logDensityGradient(pos, 1, logp, grad);
        expect(await maxFiniteDifferenceError(spec, backend.logDensityGradient.bind(backend), pos, grad)).toBeLessThan(1e-6);
      }
    });
  }
});

describe('reference gradient on the separation simulator (zero-conversion cities)', () => {
  const { frame } = builtinDataset('separation', 1, 20_000);
  for (const [name, formula] of Object.entries(SEPARATION_FORMULAS)) {
    it(`agrees with central finite differences to 1e-6 (${name})`, async () => {
      const { spec } = buildModel(frame, formula);
      const backend = await createBackend('reference', spec);
      const pos = randomPositions(spec, 1, 4);
      const logp = new Float64Array(1);
      const grad = new Float64Array(spec.dim);
      await backend.logDensityGradient(pos, 1, logp, grad);
      expect(await maxFiniteDifferenceError(spec, backend.logDensityGradient.bind(backend), pos, grad)).toBeLessThan(1e-6);
    });
  }
});

function restrictRows(spec: ModelSpec, start: number, count: number): ModelSpec {
  const p = spec.fixed.names.length;
  return {
    ...spec,
    n: count,
    y: spec.y.slice(start, start + count),
    trials: spec.trials ? spec.trials.slice(start, start + count) : null,
    logChoose: spec.logChoose ? spec.logChoose.slice(start, start + count) : null,
    fixed: { ...spec.fixed, X: spec.fixed.X.slice(start * p, (start + count) * p) },
    groups: spec.groups.map((g) => ({ ...g, index: g.index.slice(start, start + count) })),
    terms: spec.terms.map((t) => ({ ...t, x: t.x ? t.x.slice(start, start + count) : null })),
  };
}
