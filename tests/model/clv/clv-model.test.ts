import { describe, expect, it } from 'vitest';
import { rfmFromEvents, simulateClvEvents } from '../../../src/data/simulate/clv.js';
import { BgNbdLikelihood } from '../../../src/model/clv/bgnbd.js';
import { CLV_PARAMETER_NAMES, clvDensityModel, defaultClvPriors } from '../../../src/model/clv/clv-model.js';
import { GammaGammaLikelihood } from '../../../src/model/clv/gamma-gamma.js';
import type { RfmData } from '../../../src/model/clv/rfm-data.js';
import { lgamma } from '../../../src/numeric/log-gamma.js';

const data = rfmFromEvents(simulateClvEvents({ seed: 3, customers: 300 }), 52);

/** Central differences of f at x, step h·max(1, |x_k|). */
function finiteDifferences(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const step = h * Math.max(1, Math.abs(x[k]));
    const up = Float64Array.from(x);
    const down = Float64Array.from(x);
    up[k] += step;
    down[k] -= step;
    out[k] = (f(up) - f(down)) / (2 * step);
  }
  return out;
}

/** BG/NBD likelihood of one customer straight from the paper's eq. 6 (products of Beta and Gamma functions). */
function bgnbdByFormula(r: number, alpha: number, a: number, b: number, x: number, tx: number, T: number): number {
  const lbeta = (u: number, v: number) => lgamma(u) + lgamma(v) - lgamma(u + v);
  const common = lgamma(r + x) + r * Math.log(alpha) - lgamma(r);
  const t1 = Math.exp(lbeta(a, b + x) - lbeta(a, b) + common - (r + x) * Math.log(alpha + T));
  const t2 = x > 0 ? Math.exp(lbeta(a + 1, b + x - 1) - lbeta(a, b) + common - (r + x) * Math.log(alpha + tx)) : 0;
  return Math.log(t1 + t2);
}

describe('BG/NBD + Gamma-Gamma log density', () => {
  it('simulated data have repeat buyers and one-time buyers', () => {
    let repeaters = 0;
    for (let i = 0; i < data.n; i++) if (data.frequency[i] > 0) repeaters++;
    expect(repeaters).toBeGreaterThan(60);
    expect(repeaters).toBeLessThan(data.n - 30);
  });

  it('BG/NBD pointwise log-likelihood equals the paper\'s formula (Beta functions, eq. 6)', () => {
    const lik = new BgNbdLikelihood(data);
    const pointwise = new Float64Array(data.n);
    const total = lik.logLik(0.7, 3.5, 0.9, 2.2, null, 0, pointwise);
    let sum = 0;
    for (let i = 0; i < data.n; i++) {
      const ref = bgnbdByFormula(0.7, 3.5, 0.9, 2.2, data.frequency[i], data.recency[i], data.age[i]);
      expect(Math.abs(pointwise[i] - ref)).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref)));
      sum += ref;
    }
    expect(Math.abs(total - sum)).toBeLessThan(1e-9 * Math.abs(sum));
  });

  it('Gamma-Gamma pointwise log density integrates to 1 over the mean spend (x = 3)', () => {
    const one: RfmData = { n: 1, frequency: Uint32Array.of(3), recency: Float64Array.of(1), age: Float64Array.of(2), meanSpend: Float64Array.of(1) };
    // ∫ f(m) dm by the trapezoid rule on a log grid of m
    let integral = 0;
    let prev = NaN;
    let prevM = NaN;
    for (let k = 0; k <= 40000; k++) {
      const m = Math.exp(-12 + (k * 20) / 40000);
      one.meanSpend[0] = m;
      const out = new Float64Array(1);
      new GammaGammaLikelihood(one).logLik(2.5, 3.2, 12, null, 0, out);
      const f = Math.exp(out[0]);
      if (k > 0) integral += 0.5 * (f + prev) * (m - prevM);
      prev = f;
      prevM = m;
    }
    expect(Math.abs(integral - 1)).toBeLessThan(1e-6);
  });

  it('the gradient matches central finite differences at random points', () => {
    const model = clvDensityModel(data, defaultClvPriors(30));
    const grad = new Float64Array(CLV_PARAMETER_NAMES.length);
    const scratch = new Float64Array(CLV_PARAMETER_NAMES.length);
    const f = (x: Float64Array) => model.logDensity(x, scratch);
    let seed = 11;
    const u = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 6; trial++) {
      const theta = Float64Array.of(0.2 + u(), 1 + 8 * u(), 0.3 + u(), 0.5 + 3 * u(), 1 + 5 * u(), 1.5 + 4 * u(), 5 + 30 * u(), 0.3 + u(), 0.3 + u());
      const lp = model.logDensity(theta, grad);
      expect(Number.isFinite(lp)).toBe(true);
      const fd = finiteDifferences(f, theta);
      for (let k = 0; k < theta.length; k++) {
        expect(Math.abs(grad[k] - fd[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd[k])));
      }
    }
  });

  it('the pointwise log-likelihood sums to the likelihood part of the density; outside the domain is −Infinity', () => {
    const priors = defaultClvPriors(30);
    const model = clvDensityModel(data, priors);
    const theta = Float64Array.of(0.6, 4, 0.8, 2.5, 6, 4, 15, 0.5, 0.7);
    const out = new Float64Array(data.n);
    model.pointwiseLogLik!(theta, out);
    const bg = new BgNbdLikelihood(data).logLik(0.6, 4, 0.8, 2.5, null);
    const gg = new GammaGammaLikelihood(data).logLik(6, 4, 15, null);
    const sum = out.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum - (bg + gg))).toBeLessThan(1e-9 * Math.abs(sum));
    const grad = new Float64Array(9);
    expect(model.logDensity(Float64Array.of(0.6, 4, 0.8, 2.5, 6, 0.9, 15, 0.5, 0.7), grad)).toBe(-Infinity);
    expect(model.logDensity(Float64Array.of(-0.6, 4, 0.8, 2.5, 6, 4, 15, 0.5, 0.7), grad)).toBe(-Infinity);
  });
});
