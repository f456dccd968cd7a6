/**
 * Folding group-level predictors: the fold of src/model/split.ts extended from the levels' mean to every fixed column
 * that is constant within each level of a varying intercept's grouping factor.
 *
 * Why. In `y ~ trt + scale(base) + (1 | subject)` trt and base are properties of the subject: on every row of level k
 * the fixed part contributes w_kᵀ b_G (w_k the level's values of those columns), and the subject effect r_k adds to
 * it. The data therefore see b_G + c only, where c is the coefficient of r on the group-level columns: b_trt trades
 * off against the subject effects' contrast between treated and untreated subjects, held only by the prior
 * r ~ Normal(0, sd² I). A diagonal metric mixes slowly along that ridge (MASS's epil: R-hat of b_trt above 1.01 on
 * some seeds, issue 15).
 *
 * The shear. Let W1 = [1, W] (K × (1 + q)): the all-ones column (the intercept the term is already folded into) and
 * the q group-level columns, each as its per-level values. Write r = W1 C + r⊥ with C = (W1ᵀW1)⁻¹W1ᵀ r, the
 * least-squares coefficients of r on W1 (r⊥ is orthogonal to every column of W1). On a row of level k the linear
 * predictor is  x_iᵀ b + r_k = x_iᵀ b + (W1 C)_k + r⊥_k  and, because the columns of W1 are fixed columns whose
 * value on that row is (W1)_k, this equals  x_iᵀ (b + C) + r⊥_k  with C added at those columns. So the coordinate
 * of each such column holds β_j = b_j + C_j, the data see only β and r⊥, and b = β − C(r) is recovered per draw.
 * The map (β, r) ↦ (b, r) is a shear (b moves by a linear function of r, r is unchanged): Jacobian 1, so the
 * density is unchanged and only the geometry changes. Unweighted least squares is the natural choice: with
 * r ~ Normal(0, sd² I) the orthogonal projection splits r into prior-independent parts C and r⊥; any projection onto
 * span(W1) would leave the likelihood seeing only β and r⊥, but only the orthogonal one keeps them a priori apart.
 *
 * Splitting C by the centred columns. With w̄ the column means of W and W̃ = W − 1 w̄ᵀ,
 *   C_G = (W̃ᵀW̃)⁻¹W̃ᵀ r   and   C_0 = mean(r) − w̄ᵀ C_G.
 * The intercept's part mean(r) is the existing fold (foldColumn, sd·u/√K in split coordinates); this module adds
 * the rest, as `rows`: one row of length K per column it shears, (W̃ᵀW̃)⁻¹W̃ᵀ for the group-level columns and
 * −w̄ᵀ(W̃ᵀW̃)⁻¹W̃ᵀ for the intercept, so that β_j = b_j + rows_j · r (+ mean(r) for the intercept).
 *
 * In sampler coordinates r = s · v, where v is what the backend wrapper hands to the inner backend (src/backend/
 * split-terms.ts): r itself for a split term (s = 1), z for a rotated non-centered term (s = sd). Hence
 *   b_j = β_j − s · rows_j · v,
 *   ∂/∂v += −s · Σ_j rows_j g_b[j],   ∂/∂log sd += −Σ_j C_j g_b[j]  (rotated terms only: s = sd depends on log sd),
 * each O(K · (q + 1)) with no allocation.
 *
 * Measured on MASS's epil, `y ~ trt + scale(base) + scale(age) + (1 | subject)` (poisson, 59 subjects × 4 visits,
 * native, 4 chains × 1000 + 1000, seeds 20261202 and 1–4): split (the rule's choice), the largest R-hat of the fixed
 * effects went from 1.0037–1.0109 to 1.0023–1.0049 and their smallest bulk-ESS from 485–835 to 995–1429; forced
 * non-centered, from 1.0041–1.0141 to 1.0025–1.0067 and 503–702 to 1143–1650.
 *
 * Detection (build time): a column is group-level when its value is identical on every row of each level (numeric
 * columns, factor dummies and their interactions alike, since the check is on the design matrix), every level has
 * rows, and its centred per-level values are not (nearly) a combination of those already taken (Gram–Schmidt
 * residual ≥ 1e-8 of the column's norm); at most K − 2 columns, so that r⊥ keeps at least one dimension.
 */
import { choleskyLower } from '../numeric/cholesky.js';

/** The extra shear of a folded varying intercept: β_{columns[i]} = b + Σ_k rows[i·K + k] r_k. */
export interface GroupLevelFold {
  /** Fixed columns sheared: the intercept (fold column) first, then the group-level columns. */
  readonly columns: readonly number[];
  /** columns.length × K, row-major. */
  readonly rows: Float64Array;
  /** The group-level columns' per-level values, q × K row-major (what the rows were computed from; for reports). */
  readonly values: Float64Array;
}

/** Relative Gram–Schmidt residual below which a group-level column is dropped as dependent on those before it. */
const MIN_RELATIVE_RESIDUAL = 1e-8;

/**
 * The fixed columns (other than `interceptColumn`) that are constant within every level of `index`, with their per-level
 * values and the shear rows; null when there is none (or a level has no rows). X is n × p row-major.
 */
export function detectGroupLevelFold(
  X: Float64Array,
  n: number,
  p: number,
  interceptColumn: number,
  index: Uint32Array,
  K: number,
): GroupLevelFold | null {
  if (interceptColumn < 0 || K < 3) return null;
  const counts = new Uint32Array(K);
  for (let i = 0; i < n; i++) counts[index[i]]++;
  for (let k = 0; k < K; k++) if (counts[k] === 0) return null;

  const taken: number[] = [];
  const centred: Float64Array[] = [];
  const means: number[] = [];
  const raw: Float64Array[] = [];
  const basis: Float64Array[] = []; // orthonormal, spanning the centred columns taken so far
  const v = new Float64Array(K);
  const seen = new Uint8Array(K);
  for (let j = 0; j < p && taken.length < K - 2; j++) {
    if (j === interceptColumn) continue;
    seen.fill(0);
    let constant = true;
    for (let i = 0; i < n && constant; i++) {
      const k = index[i];
      const x = X[i * p + j];
      if (!seen[k]) {
        seen[k] = 1;
        v[k] = x;
      } else if (v[k] !== x) constant = false;
    }
    if (!constant) continue;
    let mean = 0;
    for (let k = 0; k < K; k++) mean += v[k];
    mean /= K;
    const w = Float64Array.from(v, (x) => x - mean);
    let norm2 = 0;
    for (let k = 0; k < K; k++) norm2 += w[k] * w[k];
    if (!(norm2 > 0)) continue;
    const res = Float64Array.from(w);
    for (const u of basis) {
      let d = 0;
      for (let k = 0; k < K; k++) d += u[k] * res[k];
      for (let k = 0; k < K; k++) res[k] -= d * u[k];
    }
    let rn2 = 0;
    for (let k = 0; k < K; k++) rn2 += res[k] * res[k];
    if (rn2 < MIN_RELATIVE_RESIDUAL * MIN_RELATIVE_RESIDUAL * norm2) continue;
    const rn = Math.sqrt(rn2);
    basis.push(res.map((x) => x / rn));
    taken.push(j);
    centred.push(w);
    means.push(mean);
    raw.push(v.slice());
  }
  const q = taken.length;
  if (q === 0) return null;

  // A = W̃ᵀW̃ = L Lᵀ; rows_G = A⁻¹ W̃ᵀ, column by column
  const A = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) A[a * q + b] = dot(centred[a], centred[b], K);
  const L = new Float64Array(q * q);
  if (choleskyLower(A, q, L, 0, 0) >= 0) return null;
  const rows = new Float64Array((q + 1) * K);
  const values = new Float64Array(q * K);
  const y = new Float64Array(q);
  for (let k = 0; k < K; k++) {
    // solve L Lᵀ y = W̃_kᵀ
    for (let a = 0; a < q; a++) {
      let s = centred[a][k];
      for (let b = 0; b < a; b++) s -= L[a * q + b] * y[b];
      y[a] = s / L[a * q + a];
    }
    for (let a = q - 1; a >= 0; a--) {
      let s = y[a];
      for (let b = a + 1; b < q; b++) s -= L[b * q + a] * y[b];
      y[a] = s / L[a * q + a];
    }
    let intercept = 0;
    for (let a = 0; a < q; a++) {
      rows[(a + 1) * K + k] = y[a];
      intercept -= means[a] * y[a];
      values[a * K + k] = raw[a][k];
    }
    rows[k] = intercept;
  }
  return { columns: [interceptColumn, ...taken], rows, values };
}

function dot(a: Float64Array, b: Float64Array, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += a[k] * b[k];
  return s;
}

/**
 * Adds sign · scale · rows_i · v (v = K values at v[from …]) to x[base + columns[i]] for every sheared column: with
 * sign −1 and the sampler's coordinates in x, the shear's part of b = β − C (see the header).
 */
export function applyGroupLevelFold(
  fold: GroupLevelFold,
  K: number,
  scale: number,
  v: ArrayLike<number>,
  from: number,
  x: Float64Array | number[],
  base: number,
  sign: number,
): void {
  const { columns, rows } = fold;
  for (let i = 0; i < columns.length; i++) {
    let s = 0;
    const row = i * K;
    for (let k = 0; k < K; k++) s += rows[row + k] * v[from + k];
    x[base + columns[i]] += sign * scale * s;
  }
}

/**
 * The gradient pull-back of b = β − scale · rows · v: subtracts scale · Σ_i rows_i g[base + columns[i]] from
 * g[from … from + K − 1] (the gradient with respect to v, before v is pulled back to split coordinates) and returns
 * Σ_i C_i g[base + columns[i]] with C = scale · rows · v, the derivative's factor for log sd when scale = sd.
 */
export function pullBackGroupLevelFold(
  fold: GroupLevelFold,
  K: number,
  scale: number,
  v: ArrayLike<number>,
  vFrom: number,
  g: Float64Array,
  base: number,
  from: number,
): number {
  const { columns, rows } = fold;
  const q1 = columns.length;
  let total = 0;
  for (let k = 0; k < K; k++) {
    let w = 0;
    for (let i = 0; i < q1; i++) w += rows[i * K + k] * g[base + columns[i]];
    g[from + k] -= scale * w;
    total += v[vFrom + k] * w;
  }
  return scale * total;
}
