/**
 * Orthogonal polynomials as R's poly(x, k): columns p_1..p_k of the monic polynomials orthogonal over the training
 * points (Σ p_i p_j = 0 for i ≠ j, each orthogonal to the constant), each divided by its norm. They satisfy the
 * three-term recurrence (Stieltjes; see Gautschi, "Orthogonal Polynomials: Computation and Approximation", 2004, §2.2)
 *
 *   p_0 = 1,  p_1 = x − α_1,  p_{j+1} = (x − α_{j+1}) p_j − (‖p_j‖² / ‖p_{j−1}‖²) p_{j−1},
 *   α_{j+1} = Σ x p_j² / ‖p_j‖²,
 *
 * which is also how R's predict.poly evaluates them on new x. The coefficients are kept in R's layout
 * (attr(poly(x, k), "coefs")): alpha = (α_1 … α_k) and norm2 = (1, n, ‖p_1‖², …, ‖p_k‖²), so a stored recipe
 * reproduces R's predict(poly(x, k), newx). R fits the training columns by a QR decomposition of the centred powers;
 * that gives the same polynomials (the Gram–Schmidt residuals of x^j), computed here by the recurrence on centred x.
 */

export interface OrthoPolyCoefs {
  readonly alpha: readonly number[];
  readonly norm2: readonly number[];
}

/** Number of distinct values of x. */
export function distinctCount(x: Float64Array): number {
  return new Set(x).size;
}

/** The recurrence coefficients of poly(x, degree) on training points x; needs degree < distinct values of x. */
export function fitOrthoPoly(x: Float64Array, degree: number): OrthoPolyCoefs {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const alpha: number[] = [];
  const norm2: number[] = [1, n];
  let prev = new Float64Array(n); // p_{j-1}
  let cur = new Float64Array(n).fill(1); // p_j
  for (let j = 0; j < degree; j++) {
    // α_{j+1} from p_j, on centred x for accuracy (R: colSums(x_c * Z^2) / norm2 + xbar)
    let num = 0;
    for (let i = 0; i < n; i++) num += (x[i] - mean) * cur[i] * cur[i];
    const a = mean + num / norm2[j + 1];
    alpha.push(a);
    const ratio = j === 0 ? 0 : norm2[j + 1] / norm2[j];
    const next = new Float64Array(n);
    let ss = 0;
    for (let i = 0; i < n; i++) {
      next[i] = (x[i] - a) * cur[i] - ratio * prev[i];
      ss += next[i] * next[i];
    }
    norm2.push(ss);
    prev = cur;
    cur = next;
  }
  return { alpha, norm2 };
}

/** Columns p_1/‖p_1‖ … p_k/‖p_k‖ at points x (R's predict.poly with the training coefs). */
export function evalOrthoPoly(x: Float64Array, coefs: OrthoPolyCoefs): Float64Array[] {
  const { alpha, norm2 } = coefs;
  const n = x.length;
  const degree = alpha.length;
  const raw: Float64Array[] = [];
  let prev = new Float64Array(n).fill(1);
  let cur = new Float64Array(n);
  for (let i = 0; i < n; i++) cur[i] = x[i] - alpha[0];
  raw.push(cur);
  for (let j = 1; j < degree; j++) {
    const ratio = norm2[j + 1] / norm2[j]; // ‖p_j‖² / ‖p_{j−1}‖²
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = (x[i] - alpha[j]) * cur[i] - ratio * prev[i];
    raw.push(next);
    prev = cur;
    cur = next;
  }
  return raw.map((p, j) => {
    const s = Math.sqrt(norm2[j + 2]);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = p[i] / s;
    return out;
  });
}
