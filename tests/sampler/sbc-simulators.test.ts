/**
 * The simulators of tests/helpers/sbc.ts, which the SBC tests trust: prior draws for every prior family and outcome
 * draws for every family, against closed-form moments and probabilities (4.5 standard errors of N draws, the
 * variance's standard error from the sample's fourth central moment, seeds fixed); and the χ² statistic.
 * References: Student t₃'s CDF F(t) = ½ + (1/π)(t/(√3(1 + t²/3)) + atan(t/√3)); half-normal mean σ√(2/π), variance
 * σ²(1 − 2/π); NB2 variance μ + μ²/φ; gamma (shape α, mean μ) variance μ²/α. And the log density the SBC models
 * sample: its gradient against central finite differences on simulated data sets, at the truth and at prior draws.
 */
import { describe, expect, it } from 'vitest';
import type { Prior } from '../../src/model/prior.js';
import { logNormalCdf } from '../../src/numeric/normal-cdf.js';
import { Rng } from '../../src/rng.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { chiSquare, chiSquare9Critical, drawOutcome, familywiseCritical, drawPrior, drawTheta, sbcSpec, simulate, type SbcModelOptions } from '../helpers/sbc.js';
import { SBC_FAMILIES, SBC_LEVELS } from '../helpers/sbc-families.js';

const N = 50_000;
const Z = 4.5;

function summary(draw: () => number): { mean: number; variance: number; varianceSe: number; values: Float64Array } {
  const values = Float64Array.from({ length: N }, draw);
  let mean = 0;
  for (const v of values) mean += v / N;
  let m2 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = (v - mean) ** 2;
    m2 += d / N;
    m4 += (d * d) / N;
  }
  return { mean, variance: (m2 * N) / (N - 1), varianceSe: Math.sqrt((m4 - m2 * m2) / N), values };
}

function expectMoments(draw: () => number, mean: number, variance: number, label: string): void {
  const s = summary(draw);
  expect(Math.abs(s.mean - mean), `${label}: mean ${s.mean} vs ${mean}`).toBeLessThan(Z * Math.sqrt(variance / N));
  expect(Math.abs(s.variance - variance), `${label}: variance ${s.variance} vs ${variance}`).toBeLessThan(Z * s.varianceSe);
}

function expectProbability(values: Float64Array, test: (x: number) => boolean, p: number, label: string): void {
  let k = 0;
  for (const v of values) if (test(v)) k++;
  expect(Math.abs(k / values.length - p), `${label}: ${k / values.length} vs ${p}`).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / values.length));
}

const t3Cdf = (t: number): number => 0.5 + (t / (Math.sqrt(3) * (1 + (t * t) / 3)) + Math.atan(t / Math.sqrt(3))) / Math.PI;

describe('SBC prior draws', () => {
  it('normal, halfnormal, exponential and gamma have their closed-form mean and variance', () => {
    const rng = new Rng(11);
    const cases: [Prior, number, number][] = [
      [{ family: 'normal', params: [1, 2] }, 1, 4],
      [{ family: 'halfnormal', params: [0.5] }, 0.5 * Math.sqrt(2 / Math.PI), 0.25 * (1 - 2 / Math.PI)],
      [{ family: 'exponential', params: [2] }, 0.5, 0.25],
      [{ family: 'gamma', params: [2, 0.5] }, 4, 8],
      [{ family: 'gamma', params: [0.4, 2] }, 0.2, 0.1],
    ];
    for (const [prior, mean, variance] of cases) expectMoments(() => drawPrior(prior, rng), mean, variance, `${prior.family}(${prior.params})`);
  });

  it('student_t(3, μ, σ) and halfstudent_t(3, σ) have Student t₃ probabilities', () => {
    const rng = new Rng(12);
    const t = Float64Array.from({ length: N }, () => drawPrior({ family: 'student_t', params: [3, 1, 2] }, rng));
    // P(μ + σT ≤ μ + σu) = F(u)
    for (const u of [-2, -0.5, 0, 1, 3]) expectProbability(t, (x) => x <= 1 + 2 * u, t3Cdf(u), `student_t P(T ≤ ${u})`);
    const half = Float64Array.from({ length: N }, () => drawPrior({ family: 'halfstudent_t', params: [3, 0.5] }, rng));
    expect(half.every((x) => x >= 0)).toBe(true);
    for (const u of [0.3, 1, 4]) expectProbability(half, (x) => x <= 0.5 * u, 2 * t3Cdf(u) - 1, `halfstudent_t P(|T| ≤ ${u})`);
  });
});

describe('SBC outcome draws', () => {
  const base: Omit<SbcModelOptions, 'family'> = {
    n: 4,
    levels: 0,
    seed: 1,
    intercept: { family: 'normal', params: [0, 1] },
    b: { family: 'normal', params: [0, 1] },
    aux: { family: 'exponential', params: [1] },
  };

  it('every family has its mean and variance at a given η and auxiliary parameter', () => {
    const rng = new Rng(21);
    const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
    const phi = Math.exp(logNormalCdf(0.4));
    const binomial = sbcSpec({ ...base, family: 'binomial', maxTrials: 10 });
    const trials = (binomial.trials as Float64Array)[0];
    const cases: [string, SbcModelOptions, number, number[], number, number][] = [
      // label, model, η, aux, mean, variance
      ['gaussian', { ...base, family: 'gaussian' }, 1, [2], 1, 4],
      ['poisson', { ...base, family: 'poisson' }, Math.log(3), [], 3, 3],
      ['poisson, large mean', { ...base, family: 'poisson' }, Math.log(40), [], 40, 40],
      ['negbinomial', { ...base, family: 'negbinomial' }, Math.log(4), [2], 4, 4 + 16 / 2],
      ['gamma', { ...base, family: 'gamma' }, Math.log(2), [3], 2, 4 / 3],
      ['gamma, shape < 1', { ...base, family: 'gamma' }, Math.log(2), [0.5], 2, 8],
      ['bernoulli logit', { ...base, family: 'bernoulli' }, 0.4, [], sigmoid(0.4), sigmoid(0.4) * sigmoid(-0.4)],
      ['bernoulli probit', { ...base, family: 'bernoulli', link: 'probit' }, 0.4, [], phi, phi * (1 - phi)],
      ['binomial logit', { ...base, family: 'binomial', maxTrials: 10 }, -0.3, [], trials * sigmoid(-0.3), trials * sigmoid(-0.3) * sigmoid(0.3)],
    ];
    for (const [label, model, eta, aux, mean, variance] of cases) {
      const spec = sbcSpec(model);
      expectMoments(() => drawOutcome(spec, 0, eta, aux, rng), mean, variance, label);
    }
  });

  it('lognormal: log y is normal with mean η and sd sigma', () => {
    const rng = new Rng(22);
    const spec = sbcSpec({ ...base, family: 'lognormal' });
    expectMoments(() => Math.log(drawOutcome(spec, 0, 0.5, [0.7], rng)), 0.5, 0.49, 'log of lognormal');
  });
});

describe('chiSquare', () => {
  it('is Σ (count − expected)²/expected against equal expected counts', () => {
    expect(chiSquare([20, 20, 20, 20, 20, 20, 20, 20, 20, 20])).toBe(0);
    // expected 20: (10² + 10² + 5² + 5²)/20 = 12.5
    expect(chiSquare([30, 10, 25, 15, 20, 20, 20, 20, 20, 20])).toBeCloseTo(12.5, 12);
  });

  it('χ²₉ critical values equal R\'s qchisq (0.99: 21.66599, 0.95: 16.91898, 0.999: 27.87716, 0.01: 2.087901)', () => {
    expect(chiSquare9Critical(0.01)).toBeCloseTo(21.66599, 4);
    expect(chiSquare9Critical(0.05)).toBeCloseTo(16.91898, 4);
    expect(chiSquare9Critical(0.001)).toBeCloseTo(27.87716, 4);
    expect(chiSquare9Critical(0.99)).toBeCloseTo(2.087901, 4);
    expect(familywiseCritical(10)).toBeCloseTo(chiSquare9Critical(0.001), 12);
  });
});

describe('the SBC models on their simulated data', () => {
  for (const c of SBC_FAMILIES) {
    it(`${c.label}: the reference gradient equals central finite differences (1e-6 relative) at θ̃ and at prior draws`, async () => {
      const base = sbcSpec({ ...c, levels: SBC_LEVELS, seed: 5 });
      const rng = new Rng(31);
      for (let rep = 0; rep < 3; rep++) {
        const sim = simulate(base, rng);
        const backend = new ReferenceBackend(sim.spec);
        const f = backend.logDensityGradient.bind(backend);
        for (const theta of [sim.theta, drawTheta(base, rng)]) {
          const logp = new Float64Array(1);
          const grad = new Float64Array(base.dim);
          await f(theta, 1, logp, grad);
          expect(Number.isFinite(logp[0])).toBe(true);
          expect(await maxFiniteDifferenceError(sim.spec, f, theta, grad)).toBeLessThan(1e-6);
        }
      }
    });
  }
});
