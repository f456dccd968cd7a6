// Sampling helpers of the simulators, against closed forms: Poisson(λ) has mean and variance λ and
// P(0) = e^−λ; a discrete draw's frequencies converge to its probabilities; log-normal median e^μ.
import { describe, expect, it } from 'vitest';
import { discrete, interceptForRate, lognormal, poisson, round } from '../../src/data/simulate/draw.js';
import { Rng } from '../../src/rng.js';

const N = 200_000;

describe('poisson', () => {
  for (const mean of [0.4, 3, 12]) {
    it(`mean ${mean}: sample mean, variance and P(0) within 4 standard errors of the closed form`, () => {
      const rng = new Rng(17);
      let s = 0;
      let ss = 0;
      let zeros = 0;
      for (let i = 0; i < N; i++) {
        const k = poisson(rng, mean);
        s += k;
        ss += k * k;
        if (k === 0) zeros++;
      }
      const m = s / N;
      const v = ss / N - m * m;
      expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / N));
      // var of the sample variance of a Poisson: (μ4 − σ⁴)/N with μ4 = λ(1 + 3λ)
      expect(Math.abs(v - mean)).toBeLessThan(4 * Math.sqrt((mean * (1 + 3 * mean) - mean * mean) / N));
      const p0 = Math.exp(-mean);
      expect(Math.abs(zeros / N - p0)).toBeLessThan(4 * Math.sqrt((p0 * (1 - p0)) / N) + 1e-12);
    });
  }
  it('rejects means it is not meant for', () => {
    expect(() => poisson(new Rng(1), 50)).toThrow('outside [0, 30]');
  });
});

describe('discrete', () => {
  it('draws each outcome with its (normalised) probability', () => {
    const weights = [5, 0, 3, 2];
    const draw = discrete(weights);
    const rng = new Rng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[draw(rng)]++;
    weights.forEach((w, k) => {
      const p = w / 10;
      expect(Math.abs(counts[k] / N - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N));
    });
    expect(counts[1]).toBe(0);
  });
});

describe('lognormal and round', () => {
  it('lognormal median is e^mu', () => {
    const rng = new Rng(5);
    const xs = Float64Array.from({ length: 20001 }, () => lognormal(rng, Math.log(45), 0.6)).sort();
    // median of N draws: sd ≈ 1.2533·σ/√N on the log scale
    expect(Math.abs(Math.log(xs[10000]) - Math.log(45))).toBeLessThan(4 * 1.2533 * 0.6 / Math.sqrt(20001));
  });
  it('rounds to the given decimals', () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(99.995, 0)).toBe(100);
  });
});

describe('interceptForRate', () => {
  const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
  it('with equal offsets is the logit of the rate minus the offset (closed form)', () => {
    const a = interceptForRate(new Float64Array(10).fill(0.7), 0.05, sigmoid);
    expect(a).toBeCloseTo(Math.log(0.05 / 0.95) - 0.7, 10);
  });
  it('with spread offsets makes the mean probability equal the rate', () => {
    const offsets = Float64Array.from([-2, -1, 0, 0.5, 3]);
    const a = interceptForRate(offsets, 0.2, sigmoid);
    const mean = offsets.reduce((s, o) => s + sigmoid(a + o), 0) / offsets.length;
    expect(mean).toBeCloseTo(0.2, 12);
  });
});
