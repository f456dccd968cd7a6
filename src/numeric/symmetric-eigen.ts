/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, Matrix Computations,
 * 4th ed., §8.5.2–8.5.3): rotations annihilate the off-diagonal entries one pair (p, q) at a time, sweep after sweep,
 * until their sum of squares is below 1e-30 of the total (quadratic convergence; a handful of sweeps for d ≤ 50).
 * A = V diag(λ) Vᵀ with V orthogonal. O(d³) per sweep: meant for metrics of at most a few dozen parameters.
 */

/**
 * Decomposes the symmetric n × n matrix `a` (row-major; overwritten: its diagonal ends as the eigenvalues) into
 * `values` (n) and `vectors` (n × n, row-major; column k is the eigenvector of values[k]). Returns the number of
 * sweeps used.
 */
export function symmetricEigen(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number {
  vectors.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  let sweeps = 0;
  for (; sweeps < 100; sweeps++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q] * a[p * n + q];
    if (!(off > 1e-30 * total)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // the rotation (c, s) that zeroes a[p][q]: tan 2θ = 2 apq / (aqq − app), the smaller root for stability
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p];
          const vkq = vectors[k * n + q];
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return sweeps;
}

export interface SortedEigen {
  /** Eigenvalues, in descending order. */
  readonly values: Float64Array;
  /** n × n row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/** The decomposition of `a` (only read) with eigenvalues sorted in descending order and the vectors to match. */
export function symmetricEigenSorted(a: ArrayLike<number>, n: number): SortedEigen {
  const m = Float64Array.from({ length: n * n }, (_, k) => a[k]);
  const rawValues = new Float64Array(n);
  const rawVectors = new Float64Array(n * n);
  symmetricEigen(m, n, rawValues, rawVectors);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => rawValues[j] - rawValues[i]);
  const values = Float64Array.from(order, (i) => rawValues[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = rawVectors[k * n + from];
  });
  return { values, vectors };
}
