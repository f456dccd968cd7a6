/** choleskySolve and choleskyInverseDiagonal (src/numeric/cholesky.ts) against a hand-inverted 2 × 2 and a 3 × 3 identity check. */
import { describe, expect, it } from 'vitest';
import { choleskyInverseDiagonal, choleskyLower, choleskySolve } from '../../src/numeric/cholesky.js';

describe('solves with the lower Cholesky factor', () => {
  // A = [[4, 2], [2, 3]]: det 8, A⁻¹ = [[3, −2], [−2, 4]] / 8
  const a = Float64Array.from([4, 2, 2, 3]);
  const l = new Float64Array(4);
  expect(choleskyLower(a, 2, l)).toBe(-1);

  it('A x = (2, 1) gives x = A⁻¹ (2, 1) = (0.5, 0), at an offset in the array', () => {
    const b = Float64Array.from([9, 9, 2, 1]);
    choleskySolve(l, 2, b, 2);
    expect(b[0]).toBe(9);
    expect(b[2]).toBeCloseTo(0.5, 14);
    expect(b[3]).toBeCloseTo(0, 14);
  });

  it('diag(A⁻¹) = (3/8, 4/8)', () => {
    const out = new Float64Array(3);
    choleskyInverseDiagonal(l, 2, out, 1, new Float64Array(2));
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.375, 14);
    expect(out[2]).toBeCloseTo(0.5, 14);
  });

  it('3 × 3: the diagonal equals that of the inverse built column by column with choleskySolve, and A·A⁻¹ = I', () => {
    const m = Float64Array.from([5, 1, -2, 1, 4, 0.5, -2, 0.5, 3]);
    const f = new Float64Array(9);
    expect(choleskyLower(m, 3, f)).toBe(-1);
    const inv = new Float64Array(9);
    for (let j = 0; j < 3; j++) {
      const e = new Float64Array(3);
      e[j] = 1;
      choleskySolve(f, 3, e);
      for (let i = 0; i < 3; i++) inv[i * 3 + j] = e[i];
    }
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += m[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 13);
      }
    }
    const diag = new Float64Array(3);
    choleskyInverseDiagonal(f, 3, diag, 0, new Float64Array(3));
    for (let j = 0; j < 3; j++) expect(diag[j]).toBeCloseTo(inv[j * 3 + j], 14);
  });
});
