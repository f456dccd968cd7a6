/**
 * Linear dependence among the columns of a matrix A, found from its Gram matrix G = AᵀA: a Cholesky factorisation in
 * column order that skips every column whose pivot — its squared distance from the span of the columns kept before
 * it — is at most relTol × G_jj. Such a column is (numerically) a combination of the kept columns before it; its
 * coefficients are the least-squares projection β = G_KK⁻¹ G_Kj, which with G_KK = L_K L_Kᵀ and G_Kj = L_K l_j is
 * β = L_K⁻ᵀ l_j (one back substitution). This is Gram–Schmidt in column order (Golub & Van Loan, Matrix
 * Computations, 4th ed., §5.2 and §4.2.8 on semidefinite Cholesky), so the column reported is the last of each
 * dependent group, and the earlier ones are named as its combination.
 */

export interface ColumnDependence {
  /** The dependent column (0-based). */
  readonly column: number;
  /** Kept columns before it, in order, and its coefficients on them (on A's scale). */
  readonly on: readonly number[];
  readonly coefficients: readonly number[];
  /** Its squared distance from the span of those columns, relative to its squared norm (0 when exactly dependent). */
  readonly residual: number;
}

/**
 * The columns of the d × d row-major Gram matrix `G` (symmetric positive semi-definite; every entry is read) that are
 * combinations of earlier kept columns to within relTol (relative to the column's squared norm). A zero column is
 * reported with no coefficients.
 */
export function dependentColumns(G: ArrayLike<number>, d: number, relTol: number): ColumnDependence[] {
  const kept: number[] = [];
  // L[i * d + m]: factor entry of column i on the m-th kept column
  const L = new Float64Array(d * d);
  const out: ColumnDependence[] = [];
  for (let j = 0; j < d; j++) {
    const gjj = G[j * d + j];
    if (!(gjj > 0)) {
      out.push({ column: j, on: [], coefficients: [], residual: 0 });
      continue;
    }
    const r = kept.length;
    let residual = gjj;
    for (let m = 0; m < r; m++) {
      const k = kept[m];
      let s = G[j * d + k];
      for (let q = 0; q < m; q++) s -= L[j * d + q] * L[k * d + q];
      const l = s / L[k * d + m];
      L[j * d + m] = l;
      residual -= l * l;
    }
    if (residual > relTol * gjj) {
      L[j * d + r] = Math.sqrt(residual);
      kept.push(j);
      continue;
    }
    const beta = new Array<number>(r).fill(0);
    for (let a = r - 1; a >= 0; a--) {
      let s = L[j * d + a];
      for (let b = a + 1; b < r; b++) s -= L[kept[b] * d + a] * beta[b];
      beta[a] = s / L[kept[a] * d + a];
    }
    out.push({ column: j, on: [...kept], coefficients: beta, residual: Math.max(0, residual) / gjj });
  }
  return out;
}
