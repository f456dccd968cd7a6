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

/** Solves L Lᵀ x = b in place, for the lower factor L (d × d row-major, from choleskyLower) and b[off … off + d). */
export function choleskySolve(l: Float64Array, d: number, b: Float64Array, off = 0): void {
  for (let i = 0; i < d; i++) {
    let s = b[off + i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * b[off + k];
    b[off + i] = s / l[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = b[off + i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * b[off + k];
    b[off + i] = s / l[i * d + i];
  }
}

/**
 * The diagonal of (L Lᵀ)⁻¹ into out[outOff … outOff + d): entry j is ‖L⁻¹ e_j‖², by forward substitution from row j
 * (the entries of L⁻¹ e_j above j are 0). `scratch` holds d values.
 */
export function choleskyInverseDiagonal(l: Float64Array, d: number, out: Float64Array, outOff: number, scratch: Float64Array): void {
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let r = j; r < d; r++) {
      let s = r === j ? 1 : 0;
      for (let c = j; c < r; c++) s -= l[r * d + c] * scratch[c];
      scratch[r] = s / l[r * d + r];
      sum += scratch[r] * scratch[r];
    }
    out[outOff + j] = sum;
  }
}
