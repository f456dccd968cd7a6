/**
 * Rng.gamma (Marsaglia & Tsang 2000) and Rng.poisson (inversion below mean 10, Hörmann's PTRS above) against their
 * known moments and probabilities. References: Gamma(α, 1) has mean α, variance α and excess kurtosis 6/α;
 * Poisson(μ) has mean μ, variance μ and fourth central moment μ(1 + 3μ); closed-form tails P(X > t) = e^{−t}
 * (α = 1), (1 + t)e^{−t} (α = 2) and P(X ≤ t) = 1 − 2Φ(−√(2t)) (α = 1/2, 2X ~ χ²₁); the Poisson pmf e^{−μ}μ^k/k!.
 * Tolerances from the CLT: 4.5 standard errors of the sample mean, the sample variance (Var s² ≈ (μ₄ − σ⁴)/N) or the
 * sample frequency (a false alarm below 1e-5 per check); every seed is fixed.
 */
import { describe, expect, it } from 'vitest';
import { logFactorial } from '../src/model/log-choose.js';
import { logNormalCdf } from '../src/numeric/normal-cdf.js';
import { Rng } from '../src/rng.js';

const N = 100_000;
const Z = 4.5;

function moments(draw: () => number): { mean: number; variance: number; values: Float64Array } {
  const values = new Float64Array(N);
  let mean = 0;
  for (let i = 0; i < N; i++) {
    values[i] = draw();
    mean += (values[i] - mean) / (i + 1);
  }
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (values[i] - mean) ** 2;
  return { mean, variance: ss / (N - 1), values };
}

function fraction(values: Float64Array, test: (x: number) => boolean): number {
  let k = 0;
  for (const x of values) if (test(x)) k++;
  return k / values.length;
}

describe('Rng.gamma', () => {
  for (const shape of [0.3, 1, 2.5, 40]) {
    it(`shape ${shape}: mean and variance equal the shape (within ${Z} standard errors of ${N} draws)`, () => {
      const rng = new Rng(101, Math.round(shape * 10));
      const { mean, variance, values } = moments(() => rng.gamma(shape));
      expect(Math.abs(mean - shape)).toBeLessThan(Z * Math.sqrt(shape / N));
      // Var(s²) ≈ σ⁴(2 + excess kurtosis)/N, excess kurtosis 6/α
      expect(Math.abs(variance - shape)).toBeLessThan(Z * Math.sqrt((shape * shape * (2 + 6 / shape)) / N));
      expect(values.every((x) => x > 0 && Number.isFinite(x))).toBe(true);
    });
  }

  it('matches the closed-form tail probabilities of shapes 1, 2 and 1/2', () => {
    const rng = new Rng(7);
    const cases: [number, number, number][] = [
      // shape, t, P(X > t)
      [1, 0.5, Math.exp(-0.5)],
      [1, 3, Math.exp(-3)],
      [2, 1, 2 * Math.exp(-1)],
      [2, 4, 5 * Math.exp(-4)],
      [0.5, 0.1, 2 * Math.exp(logNormalCdf(-Math.sqrt(0.2)))],
      [0.5, 2, 2 * Math.exp(logNormalCdf(-2))],
    ];
    for (const [shape, t, p] of cases) {
      const values = Float64Array.from({ length: N }, () => rng.gamma(shape));
      const f = fraction(values, (x) => x > t);
      expect(Math.abs(f - p), `shape ${shape}, P(X > ${t})`).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('scales: Gamma(α)/rate has mean α/rate', () => {
    const rng = new Rng(8);
    const { mean } = moments(() => rng.gamma(3) / 4);
    expect(Math.abs(mean - 0.75)).toBeLessThan((Z * Math.sqrt(3 / N)) / 4);
  });

  it('is reproducible from its seed and rejects a shape that is not positive', () => {
    const a = new Rng(5, 2);
    const b = new Rng(5, 2);
    for (let i = 0; i < 100; i++) expect(a.gamma(0.7 + i / 10)).toBe(b.gamma(0.7 + i / 10));
    expect(() => new Rng(1).gamma(0)).toThrow(RangeError);
    expect(() => new Rng(1).gamma(Number.NaN)).toThrow(RangeError);
  });
});

describe('Rng.poisson', () => {
  for (const mu of [0.5, 3, 9.99, 10, 25, 1000, 1e6]) {
    it(`mean ${mu}: mean and variance equal the mean (within ${Z} standard errors of ${N} draws)`, () => {
      const rng = new Rng(202, Math.round(mu * 100));
      const { mean, variance, values } = moments(() => rng.poisson(mu));
      expect(Math.abs(mean - mu)).toBeLessThan(Z * Math.sqrt(mu / N));
      // Var(s²) ≈ (μ₄ − σ⁴)/N = (μ + 3μ² − μ²)/N
      expect(Math.abs(variance - mu)).toBeLessThan(Z * Math.sqrt((mu + 2 * mu * mu) / N));
      expect(values.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    });
  }

  it('gives 0 for mean 0', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) expect(rng.poisson(0)).toBe(0);
  });

  for (const mu of [4, 15, 60]) {
    it(`mean ${mu} (${mu < 10 ? 'inversion' : 'PTRS'}): the frequency of every likely count matches e^{−μ}μ^k/k!`, () => {
      const rng = new Rng(303, mu);
      const counts = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        const k = rng.poisson(mu);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      let checked = 0;
      for (let k = 0; k < 4 * mu + 20; k++) {
        const p = Math.exp(-mu + k * Math.log(mu) - logFactorial(k));
        if (p * N < 5) continue;
        const f = (counts.get(k) ?? 0) / N;
        expect(Math.abs(f - p), `P(X = ${k})`).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / N));
        checked++;
      }
      expect(checked).toBeGreaterThan(mu < 10 ? 10 : 25);
    });
  }

  it('is reproducible from its seed and rejects a mean that is negative or not finite', () => {
    const a = new Rng(9, 1);
    const b = new Rng(9, 1);
    for (let i = 0; i < 100; i++) expect(a.poisson(i * 0.7)).toBe(b.poisson(i * 0.7));
    expect(() => new Rng(1).poisson(-1)).toThrow(RangeError);
    expect(() => new Rng(1).poisson(Infinity)).toThrow(RangeError);
  });
});
