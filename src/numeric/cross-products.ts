/**
 * The lower triangle of the cross-products XᵀX of a few columns, summed a block of rows at a time: the fixed effects'
 * basis (src/model/fixed-basis.ts) and the collinearity check (src/model/data-warnings.ts) read it from 10⁷ rows.
 * Each entry G[a·d + b] (b ≤ a) adds x_a[i]·x_b[i] in row order over the rows where x_a[i] is not 0 — the same
 * operations in the same order as the row loop `for i: for a: if (x_a[i] ≠ 0) for b ≤ a: G[a·d + b] += x_a[i]·x_b[i]`,
 * so the same bits — but with the columns of a block stored one after another and four entries summed at once, so
 * that four independent additions are in flight instead of one read-modify-write of G per product, and without the
 * test for 0 where every value of the block is finite: there x_a[i] = 0 adds a product ±0, which leaves a sum that
 * started at +0 as it is (in round-to-nearest a sum is −0 only when both terms are −0, so such a sum is never −0).
 * Measured on 10⁷ rows × 7 columns (four of them 0/1, whose tests for 0 the branch predictor cannot guess): the row
 * loop 0.67–0.71 s of CPU, this 0.39–0.41 s, of which 0.15 s the copy into blocks (load ~12).
 */

/** Rows per block for callers that copy columns of a row-major matrix into blocks (8 KiB of float64 per column). */
export const CROSS_PRODUCT_BLOCK_ROWS = 1024;

/**
 * Adds to the d × d row-major G (lower triangle, b ≤ a) the cross-products of the d columns in `cols`, column a at
 * cols[a·stride …], over their first `len` rows.
 */
export function addLowerCrossProducts(cols: Float64Array, stride: number, len: number, d: number, G: Float64Array): void {
  if (!allFinite(cols, stride, len, d)) {
    addSkippingZeros(cols, stride, len, d, G);
    return;
  }
  for (let a = 0; a < d; a++) {
    const oa = a * stride;
    const ga = a * d;
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const o0 = b * stride;
      const o1 = o0 + stride;
      const o2 = o1 + stride;
      const o3 = o2 + stride;
      let s0 = G[ga + b];
      let s1 = G[ga + b + 1];
      let s2 = G[ga + b + 2];
      let s3 = G[ga + b + 3];
      for (let i = 0; i < len; i++) {
        const x = cols[oa + i];
        s0 += x * cols[o0 + i];
        s1 += x * cols[o1 + i];
        s2 += x * cols[o2 + i];
        s3 += x * cols[o3 + i];
      }
      G[ga + b] = s0;
      G[ga + b + 1] = s1;
      G[ga + b + 2] = s2;
      G[ga + b + 3] = s3;
    }
    for (; b <= a; b++) {
      const ob = b * stride;
      let s = G[ga + b];
      for (let i = 0; i < len; i++) s += cols[oa + i] * cols[ob + i];
      G[ga + b] = s;
    }
  }
}

/** Whether the first `len` values of each of the d columns are finite. */
function allFinite(cols: Float64Array, stride: number, len: number, d: number): boolean {
  for (let a = 0; a < d; a++) {
    for (let i = a * stride, end = i + len; i < end; i++) if (cols[i] - cols[i] !== 0) return false;
  }
  return true;
}

/** addLowerCrossProducts where a block has a value that is not finite (0 · ∞ would be NaN): the rows' test for 0 kept. */
function addSkippingZeros(cols: Float64Array, stride: number, len: number, d: number, G: Float64Array): void {
  for (let a = 0; a < d; a++) {
    const oa = a * stride;
    for (let b = 0; b <= a; b++) {
      const ob = b * stride;
      let s = G[a * d + b];
      for (let i = 0; i < len; i++) {
        const x = cols[oa + i];
        if (x !== 0) s += x * cols[ob + i];
      }
      G[a * d + b] = s;
    }
  }
}
