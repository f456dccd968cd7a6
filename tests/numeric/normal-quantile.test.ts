/**
 * Φ⁻¹ (AS 241; rank normalization, PSIS's normal approximation) against mpmath 1.3.0 at 50 significant digits (the
 * root of mpmath.ncdf(x) = p).
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/numeric/normal-quantile.js';

function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

describe('normalQuantile (AS 241)', () => {
  // [p, Φ⁻¹(p)] from mpmath (50 digits), covering all three rational branches
  const cases: [number, number][] = [
    [1e-300, -37.047096299361199237],
    [1e-20, -9.2623400897984075796],
    [1e-12, -7.0344838253011319326],
    [1.3e-11, -6.6676114565107408347],
    [1e-6, -4.7534243088228989573],
    [0.01, -2.3263478740408410931],
    [0.0749, -1.4402382675279636631],
    [0.0751, -1.4388253927525399824],
    [0.3, -0.52440051270804081597],
    [0.7, 0.52440051270804065631],
    [0.975, 1.9599639845400538556],
    [0.99999, 4.2648907939238407699],
  ];
  it.each(cases)('Φ⁻¹(%s) to 1e-15 relative', (p, want) => {
    expect(rel(normalQuantile(p), want)).toBeLessThan(1e-15);
  });
  it('limits and invalid input', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});
