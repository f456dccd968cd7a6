import { describe, expect, it } from 'vitest';
import { formatPrior, logScalePriorLogDensity, priorConstant, priorDlogDensity, priorLogDensity, type Prior } from '../../src/model/prior.js';
import { addAuxPriors, addScalarPriors, scalarPriorConstants } from '../../src/model/density.js';
import { randomPositions, randomSpec } from '../helpers/specs.js';

describe('prior densities', () => {
  const cases: Array<[Prior, number, number]> = [
    // [prior, x, log density from the closed-form pdf]
    [{ family: 'normal', params: [-3, 1] }, -2, -0.5 - 0.5 * Math.log(2 * Math.PI)],
    [{ family: 'halfnormal', params: [0.5] }, 0.5, Math.log(2) - 0.5 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI)],
    [{ family: 'exponential', params: [2] }, 0.25, Math.log(2) - 0.5],
    // Student t with nu = 1 is Cauchy: 1 / (pi sigma (1 + u^2))
    [{ family: 'student_t', params: [1, 0, 2] }, 2, -Math.log(Math.PI * 2 * 2)],
    [{ family: 'halfstudent_t', params: [1, 2] }, 2, Math.log(2) - Math.log(Math.PI * 2 * 2)],
  ];
  for (const [prior, x, expected] of cases) {
    it(`${prior.family} log density and derivative (closed form, finite differences)`, () => {
      expect(Math.abs(priorLogDensity(prior, x) - expected)).toBeLessThan(1e-13);
      const h = 1e-5;
      const fd = (priorLogDensity(prior, x + h) - priorLogDensity(prior, x - h)) / (2 * h);
      expect(Math.abs(priorDlogDensity(prior, x) - fd)).toBeLessThan(1e-8);
    });
  }
  it('positive families are -Infinity at and below zero', () => {
    expect(priorLogDensity({ family: 'halfnormal', params: [1] }, 0)).toBe(-Infinity);
    expect(priorLogDensity({ family: 'exponential', params: [1] }, -1)).toBe(-Infinity);
  });

  it('the constant computed once gives the same bits as computing it per call (every family, inside and outside the support)', () => {
    const priors: Prior[] = [
      { family: 'normal', params: [-0.3, 2.489] },
      { family: 'student_t', params: [3, -0.498, 2.5] },
      { family: 'halfnormal', params: [0.7] },
      { family: 'halfstudent_t', params: [3, 1.3] },
      { family: 'exponential', params: [1.7] },
      { family: 'gamma', params: [0.01, 0.01] },
    ];
    for (const prior of priors) {
      const c = priorConstant(prior);
      for (const x of [-2.5, -1e-3, 0, 0.37, 1, 4.2, 150]) {
        expect(Object.is(priorLogDensity(prior, x, c), priorLogDensity(prior, x))).toBe(true);
        expect(Object.is(logScalePriorLogDensity(prior, x, c), logScalePriorLogDensity(prior, x))).toBe(true);
      }
    }
    // the x-free part: −log σ for normal(μ, σ); for Student t with ν = 1 (Cauchy), log Γ(1) − log Γ(½) − ½ log π − log σ
    // = −log(πσ) (closed forms)
    expect(Math.abs(priorConstant({ family: 'normal', params: [0, 2.5] }) - Math.log(2.5))).toBeLessThan(1e-15);
    expect(Math.abs(priorConstant({ family: 'student_t', params: [1, 0, 2] }) + Math.log(2 * Math.PI))).toBeLessThan(1e-14);
  });
});

describe('scalar prior constants', () => {
  it('addScalarPriors and addAuxPriors give the same bits with scalarPriorConstants as without', () => {
    const base = randomSpec('crossed');
    // every prior family on the fixed effects and sds, and two auxiliary parameters (on coordinates 1 and 2: only the
    // arithmetic of the priors is compared)
    const specs = [
      base,
      {
        ...base,
        fixed: { ...base.fixed, priors: [{ family: 'student_t', params: [3, -0.5, 2.5] }, { family: 'normal', params: [0, 2.4] }, { family: 'student_t', params: [7, 0, 1] }, { family: 'normal', params: [0.2, 0.5] }] as Prior[] },
        terms: base.terms.map((t, i) => ({ ...t, sdPrior: (i % 2 === 0 ? { family: 'halfstudent_t', params: [3, 2.5] } : { family: 'exponential', params: [1] }) as Prior })),
        aux: [{ name: 'sigma', index: 1, prior: { family: 'gamma', params: [0.01, 0.01] } as Prior }, { name: 'shape', index: 2, prior: { family: 'halfnormal', params: [1] } as Prior }],
      },
    ];
    for (const spec of specs) {
      const constants = scalarPriorConstants(spec);
      expect(constants.length).toBe(spec.fixed.priors.length + spec.terms.length + (spec.aux?.length ?? 0));
      const theta = randomPositions(spec, 3, 11);
      for (let c = 0; c < 3; c++) {
        const g1 = new Float64Array(theta.length);
        const g2 = new Float64Array(theta.length);
        const aux1 = new Float64Array(spec.aux?.length ?? 0);
        const aux2 = new Float64Array(spec.aux?.length ?? 0);
        const at = c * spec.dim;
        const a = addScalarPriors(spec, theta, at, g1) + addAuxPriors(spec, theta, at, g1, aux1);
        const b = addScalarPriors(spec, theta, at, g2, constants) + addAuxPriors(spec, theta, at, g2, aux2, constants);
        expect(Object.is(a, b)).toBe(true);
        expect(g2).toEqual(g1);
      }
    }
  });
});

describe('formatPrior', () => {
  it('shows a data-scaled product without binary noise and keeps what a user typed', () => {
    // Penicillin's default scale: 2.5 × 2.031 = 5.077500000000001 in doubles (printed as such before)
    expect(2.5 * 2.031).not.toBe(5.0775);
    expect(formatPrior({ family: 'halfstudent_t', params: [3, 2.5 * 2.031] })).toBe('halfstudent_t(3, 5.0775)');
    expect(formatPrior({ family: 'student_t', params: [3, 57.95, 2.5 * 10.12] })).toBe('student_t(3, 57.95, 25.3)');
    expect(formatPrior({ family: 'normal', params: [-0.09554, 0.123456789012] })).toBe('normal(-0.09554, 0.123456789012)');
    expect(formatPrior({ family: 'normal', params: [0, 1e-7] })).toBe('normal(0, 1e-7)');
  });
});
