/**
 * Thin QR factorisation of a tall d × m matrix (m ≪ d) by modified Gram–Schmidt with one reorthogonalisation pass
 * ("twice is enough", Giraud, Langou & Rozložník 2005), columns stored one after another (column j at j·d).
 * A column that is (numerically) a combination of the earlier ones gets a zero column in Q and a zero diagonal in R,
 * so Q R = A still holds and Qᵀ Q is the identity on the nonzero columns.
 */

export interface ThinQr {
  /** d × m, column j at j·d; orthonormal (or zero) columns. */
  readonly q: Float64Array;
  /** m × m upper triangular, row-major. */
  readonly r: Float64Array;
}

export function thinQr(a: Float64Array, d: number, m: number): ThinQr {
  const q = Float64Array.from(a.subarray(0, d * m));
  const r = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const qj = q.subarray(j * d, (j + 1) * d);
    let original = 0;
    for (let i = 0; i < d; i++) original += qj[i] * qj[i];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const qk = q.subarray(k * d, (k + 1) * d);
        let dot = 0;
        for (let i = 0; i < d; i++) dot += qk[i] * qj[i];
        r[k * m + j] += dot;
        for (let i = 0; i < d; i++) qj[i] -= dot * qk[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += qj[i] * qj[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12 * Math.sqrt(original)) || norm === 0) {
      qj.fill(0);
      r[j * m + j] = 0;
      continue;
    }
    r[j * m + j] = norm;
    for (let i = 0; i < d; i++) qj[i] /= norm;
  }
  return { q, r };
}
