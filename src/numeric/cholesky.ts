/** Cholesky factorisation shared by the sampler's dense metric, the IRLS fit and the fixed effects' QR basis. */

/**
 * Lower Cholesky factor L (L Lᵀ = a) of the symmetric d × d row-major matrix `a`, of which only the lower triangle is
 * read, written to out[outOff …] with zeros above the diagonal; `out` may be `a` itself (outOff 0). Returns -1, or
 * the first column j whose pivot is not above relativePivot × a_jj: with relativePivot 0, a not positive definite;
 * with a small positive one, column j is numerically a combination of the columns before it.
 */
export function choleskyLower(a: ArrayLike<number>, d: number, out: Float64Array, outOff = 0, relativePivot = 0): number {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= out[outOff + i * d + k] * out[outOff + j * d + k];
      if (i === j) {
        if (!(s > relativePivot * a[i * d + i])) return i;
        out[outOff + i * d + i] = Math.sqrt(s);
      } else {
        out[outOff + i * d + j] = s / out[outOff + j * d + j];
      }
    }
    for (let j = i + 1; j < d; j++) out[outOff + i * d + j] = 0;
  }
  return -1;
}
