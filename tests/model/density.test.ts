/**
 * The density algebra's pieces against closed forms and finite differences: the bernoulli/binomial logit family per
 * row, the priors (and the log-scale prior with its Jacobian), the linear predictor and its transpose, and the
 * whole ModelDensity against the sum of its parts.
 */
import { describe, expect, it } from 'vitest';
import { bernoulliLogit, binomialLogit } from '../../src/model/families/binomial-logit.js';
import { familyModule } from '../../src/model/families/index.js';
import type { FamilyModule, FamilyRows } from '../../src/model/families/family.js';
import { logChoose } from '../../src/model/log-choose.js';
import {
  logScalePriorDlogDensity,
  logScalePriorLogDensity,
  priorDlogDensity,
  priorLogDensity,
  type Prior,
} from '../../src/model/prior.js';
import { addLinearPredictorTranspose, coefficientStarts, linearPredictor } from '../../src/model/linear-predictor.js';
import { addLevelPriors, addScalarPriors, ModelDensity } from '../../src/model/density.js';
import { Rng } from '../../src/rng.js';
import { randomPositions, randomSpec, relDiff } from '../helpers/specs.js';

/** Central difference with one Richardson step (error O(h⁴)). */
function derivative(f: (x: number) => number, x: number): number {
  const h = 1e-3 * Math.max(1, Math.abs(x));
  const central = (s: number) => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * central(h / 2) - central(h)) / 3;
}

const NO_AUX = new Float64Array(0);

function rows(y: number[], trials: number[] | null): FamilyRows {
  const yy = Float64Array.from(y);
  const tt = trials ? Float64Array.from(trials) : null;
  return { y: yy, trials: tt, logChoose: tt ? logChoose(tt, yy) : null };
}

describe('bernoulli/binomial logit family', () => {
  it('is the module of both families and has no auxiliary parameters', () => {
    expect(familyModule('bernoulli')).toBe(bernoulliLogit);
    expect(familyModule('binomial')).toBe(binomialLogit);
    expect(bernoulliLogit.aux).toHaveLength(0);
    expect(() => bernoulliLogit.dAux(rows([1], null), 0, 0.3, NO_AUX, 0)).toThrow(RangeError);
  });

  it('bernoulli log p equals log σ(η) for y = 1 and log(1 − σ(η)) for y = 0', () => {
    const r = rows([1, 0], null);
    expect(bernoulliLogit.logLik(r, 0, 0, NO_AUX)).toBeCloseTo(-Math.LN2, 15);
    expect(bernoulliLogit.logLik(r, 1, 0, NO_AUX)).toBeCloseTo(-Math.LN2, 15);
    for (const eta of [-4, -1.3, 0.2, 0.7, 2.5, 6]) {
      const p = 1 / (1 + Math.exp(-eta));
      expect(relDiff(bernoulliLogit.logLik(r, 0, eta, NO_AUX), Math.log(p))).toBeLessThan(1e-13);
      expect(relDiff(bernoulliLogit.logLik(r, 1, eta, NO_AUX), Math.log(1 - p))).toBeLessThan(1e-12);
    }
  });

  it('keeps every digit of a likely outcome at large |η| (log p = −e^{−|η|} + e^{−2|η|}/2 − …)', () => {
    const r = rows([1, 0], null);
    const e = Math.exp(-30);
    const series = -e + (e * e) / 2;
    expect(relDiff(bernoulliLogit.logLik(r, 0, 30, NO_AUX), series)).toBeLessThan(1e-14);
    expect(relDiff(bernoulliLogit.logLik(r, 1, -30, NO_AUX), series)).toBeLessThan(1e-14);
    // and the unlikely outcome: log σ(−30) = −30 − log1p(e^{−30})
    expect(relDiff(bernoulliLogit.logLik(r, 1, 30, NO_AUX), -30 + series)).toBeLessThan(1e-15);
    expect(bernoulliLogit.dEta(r, 0, 30, NO_AUX)).toBeGreaterThan(0);
    expect(relDiff(bernoulliLogit.dEta(r, 0, 30, NO_AUX), e / (1 + e))).toBeLessThan(1e-14);
  });

  it('binomial log p is log C(n, y) + y log σ(η) + (n − y) log(1 − σ(η))', () => {
    const r = rows([3, 0, 10, 7], [10, 4, 10, 12]);
    const choose = [120, 1, 1, 792];
    for (const eta of [-2.2, 0, 0.4, 1.7]) {
      const p = 1 / (1 + Math.exp(-eta));
      for (let i = 0; i < 4; i++) {
        const n = r.trials![i];
        const y = r.y[i];
        const closed = Math.log(choose[i]) + y * Math.log(p) + (n - y) * Math.log(1 - p);
        expect(relDiff(binomialLogit.logLik(r, i, eta, NO_AUX), closed)).toBeLessThan(1e-12);
      }
    }
  });

  it('d/dη and d²/dη² agree with central finite differences to 1e-6 relative', () => {
    const cases: [FamilyModule, FamilyRows][] = [
      [bernoulliLogit, rows([1, 0, 1], null)],
      [binomialLogit, rows([3, 0, 10, 7], [10, 4, 10, 12])],
    ];
    for (const [family, r] of cases) {
      for (let i = 0; i < r.y.length; i++) {
        for (const eta of [-5, -1.1, 0, 0.35, 2, 4.5]) {
          const d = family.dEta(r, i, eta, NO_AUX);
          expect(relDiff(d, derivative((e) => family.logLik(r, i, e, NO_AUX), eta))).toBeLessThan(1e-6);
          const d2 = family.d2Eta(r, i, eta, NO_AUX);
          expect(d2).toBeLessThan(0);
          expect(relDiff(d2, derivative((e) => family.dEta(r, i, e, NO_AUX), eta))).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('logLikBlock sums the rows of a block and writes each row\'s d/dη', () => {
    const r = rows([3, 0, 10, 7, 1], [10, 4, 10, 12, 2]);
    const eta = Float64Array.from([0.3, -1.2, 2.0, -35]); // rows 1 … 4
    const dEta = new Float64Array(4);
    const total = binomialLogit.logLikBlock(r, eta, 1, 5, NO_AUX, dEta, new Float64Array(0));
    let expected = 0;
    for (let i = 1; i < 5; i++) {
      expected += binomialLogit.logLik(r, i, eta[i - 1], NO_AUX);
      expect(relDiff(dEta[i - 1], binomialLogit.dEta(r, i, eta[i - 1], NO_AUX))).toBeLessThan(1e-15);
    }
    expect(relDiff(total, expected)).toBeLessThan(1e-15);
  });
});

describe('prior log densities', () => {
  const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  // Student-t(3, 0, 1) at 1: Γ(2) / (Γ(3/2) √(3π)) · (4/3)^−2 = 9 / (8π√3)
  const T3_AT_1 = Math.log(9 / (8 * Math.PI * Math.sqrt(3)));
  const cases: [string, Prior, number, number][] = [
    ['normal(1, 2) at 0.5', { family: 'normal', params: [1, 2] }, 0.5, -0.5 * 0.25 ** 2 - Math.log(2) - LOG_SQRT_2PI],
    ['student_t(3, 0, 1) at 1', { family: 'student_t', params: [3, 0, 1] }, 1, T3_AT_1],
    ['student_t(3, 2, 2) at 4', { family: 'student_t', params: [3, 2, 2] }, 4, T3_AT_1 - Math.log(2)],
    ['halfnormal(2) at 1', { family: 'halfnormal', params: [2] }, 1, Math.LN2 - 0.125 - Math.log(2) - LOG_SQRT_2PI],
    ['halfstudent_t(3, 1) at 1', { family: 'halfstudent_t', params: [3, 1] }, 1, Math.LN2 + T3_AT_1],
    ['exponential(3) at 0.5', { family: 'exponential', params: [3] }, 0.5, Math.log(3) - 1.5],
  ];

  it.each(cases)('%s equals its closed form, and its derivative the finite difference', (_name, prior, x, closed) => {
    expect(relDiff(priorLogDensity(prior, x), closed)).toBeLessThan(1e-13);
    expect(relDiff(priorDlogDensity(prior, x), derivative((v) => priorLogDensity(prior, v), x))).toBeLessThan(1e-6);
  });

  it('the positive families are −Infinity at and below 0', () => {
    for (const prior of cases.map((c) => c[1]).filter((p) => p.family.startsWith('half') || p.family === 'exponential')) {
      expect(priorLogDensity(prior, 0)).toBe(-Infinity);
      expect(priorLogDensity(prior, -0.5)).toBe(-Infinity);
    }
  });

  it('on the log scale: log p(e^u) + u, with derivative p′/p · e^u + 1', () => {
    const halfnormal: Prior = { family: 'halfnormal', params: [2] };
    // sd = 1 (u = 0): the Jacobian term vanishes, the density is the halfnormal's
    expect(logScalePriorLogDensity(halfnormal, 0)).toBeCloseTo(Math.LN2 - 0.125 - Math.log(2) - LOG_SQRT_2PI, 14);
    for (const prior of [halfnormal, { family: 'halfstudent_t', params: [3, 1] } as Prior, { family: 'exponential', params: [3] } as Prior]) {
      for (const u of [-2, -0.3, 0.8]) {
        expect(logScalePriorLogDensity(prior, u)).toBeCloseTo(priorLogDensity(prior, Math.exp(u)) + u, 14);
        expect(relDiff(logScalePriorDlogDensity(prior, u), derivative((v) => logScalePriorLogDensity(prior, v), u))).toBeLessThan(1e-6);
      }
    }
  });
});

describe('linear predictor', () => {
  it('its transpose is its adjoint: ⟨A c, d⟩ = ⟨c, Aᵀ d⟩ on a crossed spec, over a row range', () => {
    const spec = randomSpec('crossed', { n: 300, seed: 4 });
    const { rStart, size } = coefficientStarts(spec);
    const rng = new Rng(3);
    const c = Float64Array.from({ length: size }, () => rng.normal());
    const d = Float64Array.from({ length: 200 }, () => rng.normal());
    const eta = new Float64Array(200);
    linearPredictor(spec, c, rStart, 50, 250, eta);
    const g = new Float64Array(size);
    addLinearPredictorTranspose(spec, d, 50, 250, rStart, g);
    let left = 0;
    let right = 0;
    for (let i = 0; i < 200; i++) left += eta[i] * d[i];
    for (let k = 0; k < size; k++) right += c[k] * g[k];
    expect(relDiff(left, right)).toBeLessThan(1e-12);
    // and row 60 written out by hand
    const p = spec.fixed.names.length;
    let eta60 = 0;
    for (let j = 0; j < p; j++) eta60 += spec.fixed.X[60 * p + j] * c[j];
    spec.terms.forEach((term, t) => {
      eta60 += (term.x ? term.x[60] : 1) * c[rStart[t] + spec.groups[term.group].index[60]];
    });
    expect(eta[10]).toBeCloseTo(eta60, 12);
  });
});

describe('ModelDensity', () => {
  it.each(['hierarchical', 'crossed', 'binomial'] as const)('%s: log density = priors + Σ pointwise log-likelihood', (kind) => {
    const spec = randomSpec(kind, { n: 400, seed: 9 });
    const density = new ModelDensity(spec);
    const chains = 3;
    const positions = randomPositions(spec, chains);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    density.logDensityGradient(positions, chains, logp, grad);
    const pointwise = new Float64Array(chains * spec.n);
    density.pointwiseLogLik(positions, chains, 0, spec.n, pointwise);
    const scratch = new Float64Array(chains * spec.dim);
    for (let c = 0; c < chains; c++) {
      let lp = addScalarPriors(spec, positions, c * spec.dim, scratch) + addLevelPriors(spec, positions, c * spec.dim, scratch);
      for (let i = 0; i < spec.n; i++) lp += pointwise[c * spec.n + i];
      expect(relDiff(logp[c], lp)).toBeLessThan(1e-12);
    }
    // a row range of the pointwise log-likelihood is the same slice of the full one
    const part = new Float64Array(chains * 50);
    density.pointwiseLogLik(positions, chains, 120, 50, part);
    for (let c = 0; c < chains; c++) for (let j = 0; j < 50; j++) expect(part[c * 50 + j]).toBe(pointwise[c * spec.n + 120 + j]);
    expect(() => density.pointwiseLogLik(positions, 1, spec.n - 10, 11, part)).toThrow(RangeError);
  });

  it('gradient agrees with central finite differences to 1e-6, and inactive chains are left alone', () => {
    const spec = randomSpec('crossed', { n: 300, seed: 2 });
    const density = new ModelDensity(spec);
    const positions = randomPositions(spec, 2, 5);
    const logp = Float64Array.from([7, 7]);
    const grad = new Float64Array(2 * spec.dim).fill(7);
    density.logDensityGradient(positions, 2, logp, grad, Uint8Array.from([0, 1]));
    expect(logp[0]).toBe(7);
    expect(grad[0]).toBe(7);
    const one = new Float64Array(spec.dim);
    const f = (theta: Float64Array): number => density.evaluate(theta, 0, one);
    const theta = positions.slice(spec.dim);
    const g = grad.subarray(spec.dim);
    let scale = 0;
    for (let j = 0; j < spec.dim; j++) scale = Math.max(scale, Math.abs(g[j]));
    for (let j = 0; j < spec.dim; j++) {
      const fd = derivative((v) => {
        const moved = theta.slice();
        moved[j] = v;
        return f(moved);
      }, theta[j]);
      expect(Math.abs(fd - g[j]) / Math.max(Math.abs(g[j]), 1e-3 * scale)).toBeLessThan(1e-6);
    }
  });
});
