import { describe, expect, it } from 'vitest';
import { inverseMillsRatio, logNormalCdf } from '../../src/numeric/normal-cdf.js';

describe('log Φ and the inverse Mills ratio', () => {
  it('matches tabulated Φ values in both tails', () => {
    // Φ(z) from R's pnorm (and pnorm(z, log.p = TRUE) far in the lower tail)
    const table: [number, number][] = [
      [0, Math.log(0.5)],
      [1, Math.log(0.8413447460685429)],
      [-1, Math.log(0.15865525393145707)],
      [-2.9, Math.log(0.0018658133003840378)],
      [-3, Math.log(0.0013498980316300946)],
      [-5, Math.log(2.866515718791939e-7)],
      [-10, Math.log(7.61985302416047e-24)],
      [-40, -804.6084420137538],
      [2.5, Math.log(0.9937903346742238)],
      [3.5, Math.log1p(-2.326290790355250e-4)],
      [8, Math.log1p(-6.220960574271785e-16)],
    ];
    for (const [z, expected] of table) {
      expect(Math.abs(logNormalCdf(z) - expected), `z = ${z}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
    }
    expect(Math.abs(logNormalCdf(40))).toBe(0);
  });

  it('is continuous across the tail switch and its derivative is φ/Φ', () => {
    for (const z of [-3, 3]) {
      expect(Math.abs(logNormalCdf(z - 1e-9) - logNormalCdf(z + 1e-9))).toBeLessThan(1e-8);
    }
    for (const z of [-30, -6, -3.01, -2.99, -1.2, 0, 0.7, 2.99, 3.01, 6]) {
      const h = 1e-5 * Math.max(1, Math.abs(z));
      const fd = (logNormalCdf(z + h) - logNormalCdf(z - h)) / (2 * h);
      const m = inverseMillsRatio(z);
      expect(Math.abs(fd - m), `z = ${z}`).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(m)));
    }
    // far in the lower tail φ/Φ(−x) = 1/R(x) ≈ x + 1/x − 2/x³ (from R(x) ≈ 1/x − 1/x³ + 3/x⁵)
    expect(Math.abs(inverseMillsRatio(-1000) - (1000 + 1e-3 - 2e-9))).toBeLessThan(1e-11);
  });
});
