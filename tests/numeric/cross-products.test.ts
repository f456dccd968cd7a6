import { describe, expect, it } from 'vitest';
import { addLowerCrossProducts, CROSS_PRODUCT_BLOCK_ROWS } from '../../src/numeric/cross-products.js';

/** The row loop the blocked sums must reproduce bit for bit (fixed-basis.ts and data-warnings.ts before session 12). */
function rowLoop(X: Float64Array, n: number, d: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = X[i * d + a];
      if (xa === 0) continue;
      for (let b = 0; b <= a; b++) G[a * d + b] += xa * X[i * d + b];
    }
  }
  return G;
}

/** The same sums through addLowerCrossProducts, the rows copied into blocks of `block` rows. */
function blocked(X: Float64Array, n: number, d: number, block: number): Float64Array {
  const G = new Float64Array(d * d);
  const cols = new Float64Array(d * block);
  for (let start = 0; start < n; start += block) {
    const len = Math.min(block, n - start);
    for (let i = 0; i < len; i++) for (let a = 0; a < d; a++) cols[a * block + i] = X[(start + i) * d + a];
    addLowerCrossProducts(cols, block, len, d, G);
  }
  return G;
}

/** A design with an intercept, 0/1 columns, signed reals, -0 and rows of zeros (a small LCG, seeded). */
function design(n: number, d: number, seed: number): Float64Array {
  let s = seed;
  const u = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const kind = a % 4;
      X[i * d + a] = a === 0 ? 1 : kind === 1 ? (u() < 0.5 ? 1 : 0) : kind === 2 ? (u() - 0.5) * 1e3 : u() < 0.2 ? -0 : u() - 0.7;
    }
  }
  return X;
}

const bits = (G: Float64Array): string[] => Array.from(G, (v) => (Object.is(v, -0) ? '-0' : v.toString()));

describe('addLowerCrossProducts', () => {
  it('gives the row loop’s sums bit for bit, for 1 to 9 columns and blocks that do not divide the rows', () => {
    for (let d = 1; d <= 9; d++) {
      const n = 2 * CROSS_PRODUCT_BLOCK_ROWS + 37;
      const X = design(n, d, 7 + d);
      expect(bits(blocked(X, n, d, CROSS_PRODUCT_BLOCK_ROWS))).toEqual(bits(rowLoop(X, n, d)));
      expect(bits(blocked(X, n, d, 5))).toEqual(bits(rowLoop(X, n, d)));
    }
  });

  it('keeps the row loop’s skipped rows where a block holds a value that is not finite (0 · ∞ would be NaN)', () => {
    const n = 50;
    const d = 6;
    const X = design(n, d, 3);
    X[10 * d + 1] = Infinity;
    X[10 * d + 5] = 0;
    const G = blocked(X, n, d, 16);
    expect(bits(G)).toEqual(bits(rowLoop(X, n, d)));
    expect(G[1 * d + 1]).toBe(Infinity);
    expect(Number.isNaN(G[5 * d + 1])).toBe(false); // row 10 skipped for column 5 (0 there): its product would be 0 · ∞
  });

  it('is XᵀX by the definition on a 3 × 2 example (lower triangle)', () => {
    // X = [[1, 2], [0, 3], [4, -1]]: XᵀX = [[17, -2], [-2, 14]]
    const cols = Float64Array.of(1, 0, 4, 2, 3, -1);
    const G = new Float64Array(4);
    addLowerCrossProducts(cols, 3, 3, 2, G);
    expect(Array.from(G)).toEqual([17, 0, -2, 14]);
  });
});
