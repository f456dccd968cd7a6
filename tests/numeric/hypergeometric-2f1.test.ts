import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hyp2f1, logHyp2f1 } from '../../src/numeric/hypergeometric-2f1.js';

interface Row {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly z: number;
  readonly value: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/clv/clv-values.json', import.meta.url), 'utf8')) as { hyp2f1: Row[] };

function rel(x: number, y: number): number {
  return Math.abs(x - y) / Math.abs(y);
}

describe('hyp2f1', () => {
  it('matches closed forms: −ln(1 − z)/z, (1 − z)^(−a), arcsin(z)/z, ln(1 + z)/z', () => {
    for (const z of [1e-6, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
      expect(rel(hyp2f1(2.7, 1.3, 1.3, z), Math.pow(1 - z, -2.7))).toBeLessThan(1e-12);
      const s = Math.sqrt(z);
      expect(rel(hyp2f1(0.5, 0.5, 1.5, z), Math.asin(s) / s)).toBeLessThan(1e-13);
    }
    // negative argument through Pfaff's transformation: ₂F₁(1, 1; 2; −z) = ln(1 + z)/z
    for (const z of [0.2, 1, 7, 300]) expect(rel(hyp2f1(1, 1, 2, -z), Math.log1p(z) / z)).toBeLessThan(1e-13);
  });

  it('matches values from R quadrature of Euler\'s integral (tests/fixtures/clv/clv-values.json)', () => {
    expect(fixture.hyp2f1.length).toBe(10);
    for (const row of fixture.hyp2f1) expect(rel(hyp2f1(row.a, row.b, row.c, row.z), row.value)).toBeLessThan(1e-11);
  });

  it('satisfies Gauss\'s contiguous relation c(c−1)(z−1)F(c−1) + c[c−1−(2c−a−b−1)z]F(c) + (c−a)(c−b)z F(c+1) = 0', () => {
    for (const [a, b, c, z] of [[1.3, 2.2, 3.7, 0.4], [0.24, 5.1, 6.2, 0.93], [7.5, 9.25, 10.1, 0.7]]) {
      const f0 = hyp2f1(a, b, c - 1, z);
      const f1 = hyp2f1(a, b, c, z);
      const f2 = hyp2f1(a, b, c + 1, z);
      const terms = [c * (c - 1) * (z - 1) * f0, c * (c - 1 - (2 * c - a - b - 1) * z) * f1, (c - a) * (c - b) * z * f2];
      const scale = Math.max(...terms.map(Math.abs));
      expect(Math.abs(terms[0] + terms[1] + terms[2]) / scale).toBeLessThan(1e-12);
    }
  });

  it('returns a finite logarithm where the value overflows a double, and NaN outside its domain', () => {
    // (1 − z)^(−a) with a = 400, z = 0.99: log = 400 · ln 100 ≈ 1842, far past 1.8e308
    const big = logHyp2f1(400, 3, 3, 0.99);
    expect(big.sign).toBe(1);
    expect(Math.abs(big.log - 400 * Math.log(100)) / big.log).toBeLessThan(1e-12);
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
    // a negative integer a ends the series: ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    expect(rel(hyp2f1(-2, 1.5, 2.5, 0.6), 1 - (2 * 1.5 * 0.6) / 2.5 + (1.5 * 2.5 * 0.36) / (2.5 * 3.5))).toBeLessThan(1e-14);
  });
});
