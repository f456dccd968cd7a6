/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, "Matrix
 * Computations", 4th ed., §8.5.2–8.5.3): plane rotations annihilate each off-diagonal entry in turn until the
 * off-diagonal mass is below tolerance × the Frobenius norm. O(n³) per sweep, a handful of sweeps; meant for the
 * n ≤ ~40 matrices of the low-rank metric estimate (src/sampler/metric-lowrank-estimate.ts).
 */

export interface SymmetricEigen {
  /** Eigenvalues, in descending order. */
  readonly values: Float64Array;
  /** n × n row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/** Eigenvalues and eigenvectors of the symmetric n × n row-major matrix `a` (only read; symmetry assumed). */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 100): SymmetricEigen {
  const m = Float64Array.from({ length: n * n }, (_, k) => a[k]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let k = 0; k < n * n; k++) norm += m[k] * m[k];
  const tol = 1e-30 * Math.max(norm, Number.MIN_VALUE);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // the rotation (c, s) that zeroes m[p][q] (Golub & Van Loan Algorithm 8.5.1, the smaller root for t)
        const tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}
