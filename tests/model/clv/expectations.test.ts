import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedPurchases, expectedSpend, probabilityAlive } from '../../../src/model/clv/expectations.js';
import { Rng } from '../../../src/rng.js';

interface Row {
  r: number;
  alpha: number;
  a: number;
  b: number;
  x: number;
  t_x: number;
  T: number;
  t: number;
  p_alive: number;
  expected: number;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/clv/clv-values.json', import.meta.url), 'utf8')) as { bgnbd: Row[] };

describe('BG/NBD and Gamma-Gamma expectations', () => {
  it('P(alive) and expected purchases match R quadrature over the drop-out probability (84 cases)', () => {
    expect(fixture.bgnbd.length).toBe(84);
    for (const row of fixture.bgnbd) {
      const pp = { r: row.r, alpha: row.alpha, a: row.a, b: row.b };
      expect(Math.abs(probabilityAlive(pp, row.x, row.t_x, row.T) - row.p_alive)).toBeLessThan(1e-14);
      const e = expectedPurchases(pp, row.x, row.t_x, row.T, row.t);
      expect(Math.abs(e - row.expected) / row.expected).toBeLessThan(1e-9);
    }
  });

  it('expected purchases of a new customer (x = 0, T = 0) match a Monte Carlo of the BG/NBD process', () => {
    // 200,000 customers with the model's λ ~ Gamma(r, α), p ~ Beta(a, b), counted over t = 30 weeks
    const pp = { r: 1.2, alpha: 5, a: 1.5, b: 3 };
    const rng = new Rng(7);
    let total = 0;
    let squares = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      let count = 0;
      const lambda = rng.gamma(pp.r) / pp.alpha;
      const g = rng.gamma(pp.a);
      const p = g / (g + rng.gamma(pp.b));
      let time = rng.exponential() / lambda;
      while (time < 30) {
        count++;
        if (rng.uniform() < p) break;
        time += rng.exponential() / lambda;
      }
      total += count;
      squares += count * count;
    }
    const mc = total / n;
    const se = Math.sqrt((squares / n - mc * mc) / n);
    const e = expectedPurchases(pp, 0, 0, 0, 30);
    expect(Math.abs(mc - e)).toBeLessThan(4 * se);
    expect(se / e).toBeLessThan(0.01);
  });

  it('expected spend is the Gamma-Gamma posterior mean: weighted between the population mean and the customer\'s mean', () => {
    const [p, q, gamma] = [6, 4, 15];
    const population = (p * gamma) / (q - 1);
    expect(expectedSpend(p, q, gamma, 0, 0)).toBe(population);
    // (γ + m x) p / (p x + q − 1) = w · m + (1 − w) · population with w = p x / (p x + q − 1)
    for (const [x, m] of [[1, 10], [5, 80], [40, 33]]) {
      const w = (p * x) / (p * x + q - 1);
      expect(Math.abs(expectedSpend(p, q, gamma, x, m) - (w * m + (1 - w) * population))).toBeLessThan(1e-12 * population);
    }
  });
});
