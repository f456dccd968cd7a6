/**
 * The FFT against the O(n²) discrete Fourier transform it computes, and the autocovariances (FFT, direct sums and
 * the automatic choice) against their definition as R posterior writes it: acov[t] = Σᵢ (yᵢ − ȳ)(yᵢ₊ₜ − ȳ)/N
 * (`autocovariance`, the "biased" estimate of Geyer 1992).
 */
import { describe, expect, it } from 'vitest';
import { autocovariance, meanAutocovariance } from '../../src/diagnostics/autocovariance.js';
import { fft, fftPlan } from '../../src/numeric/fft.js';
import { Rng } from '../../src/rng.js';

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function definitionAcov(y: Float64Array): Float64Array {
  const n = y.length;
  let m = 0;
  for (const v of y) m += v;
  m /= n;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 0; i + t < n; i++) s += (y[i] - m) * (y[i + t] - m);
    out[t] = s / n;
  }
  return out;
}

function ar1(rng: Rng, n: number, rho: number): Float64Array {
  const y = new Float64Array(n);
  let v = rng.normal();
  for (let i = 0; i < n; i++) y[i] = v = rho * v + rng.normal();
  return y;
}

describe('fft', () => {
  it.each([1, 2, 4, 8, 16, 32, 64, 128, 512, 2048])('equals the direct DFT for n = %i (1e-12 of the norm)', (n) => {
    const rng = new Rng(n);
    const re = Float64Array.from({ length: n }, () => rng.normal());
    const im = Float64Array.from({ length: n }, () => rng.normal());
    const [wantRe, wantIm] = naiveDft(re, im);
    fft(re, im, fftPlan(n));
    let norm = 0;
    let err = 0;
    for (let k = 0; k < n; k++) {
      norm = Math.max(norm, Math.hypot(wantRe[k], wantIm[k]));
      err = Math.max(err, Math.hypot(re[k] - wantRe[k], im[k] - wantIm[k]));
    }
    expect(err / norm).toBeLessThan(1e-12);
  });

  it('refuses lengths that are not powers of two, and arrays of another length than the plan', () => {
    expect(() => fftPlan(12)).toThrow(/power of two/);
    expect(() => fft(new Float64Array(16), new Float64Array(16), fftPlan(8))).toThrow(/plan of length 8/);
  });
});

describe('autocovariance', () => {
  it.each([3, 7, 100, 513, 1000])('FFT and direct sums equal the definition (n = %i, 1e-12 of lag 0)', (n) => {
    const y = ar1(new Rng(7 + n), n, 0.8);
    const want = definitionAcov(y);
    const fftAcov = autocovariance(y);
    const direct = meanAutocovariance({ values: y, nChains: 1, nDraws: n }, n, 'direct');
    expect(fftAcov.length).toBe(n);
    for (let t = 0; t < n; t++) {
      expect(Math.abs(fftAcov[t] - want[t])).toBeLessThan(1e-12 * want[0]);
      expect(Math.abs(direct[t] - want[t])).toBeLessThan(1e-12 * want[0]);
    }
  });

  it('the mean over chains, with an odd number of chains and a constant chain (whose autocovariances are 0)', () => {
    const rng = new Rng(3);
    const n = 400;
    const chains = [ar1(rng, n, 0.5), ar1(rng, n, 0.95), new Float64Array(n).fill(2.5)];
    const values = new Float64Array(3 * n);
    chains.forEach((c, i) => values.set(c, i * n));
    const x = { values, nChains: 3, nDraws: n };
    const defs = chains.map(definitionAcov);
    for (const method of ['fft', 'direct', 'auto'] as const) {
      const lags = method === 'auto' ? 10 : n;
      const got = meanAutocovariance(x, lags, method);
      expect(got.length).toBe(lags);
      for (let t = 0; t < lags; t++) {
        const want = (defs[0][t] + defs[1][t] + defs[2][t]) / 3;
        expect(Math.abs(got[t] - want), `${method} lag ${t}`).toBeLessThan(1e-12 * defs[1][0]);
      }
    }
  });

  it('a short FFT (length ≥ n + lags − 1) gives the same first lags as the full one', () => {
    const y = ar1(new Rng(11), 5000, 0.9);
    const x = { values: y, nChains: 1, nDraws: 5000 };
    const full = meanAutocovariance(x, 5000, 'fft');
    const short = meanAutocovariance(x, 3192, 'fft'); // 5000 + 3192 − 1 ≤ 8192
    for (let t = 0; t < 3192; t++) expect(Math.abs(short[t] - full[t])).toBeLessThan(1e-12 * full[0]);
  });
});
