/**
 * The linear predictor and its transpose, once for every TypeScript path:
 *   η_i = o_i + Σ_j X[i, j]·b_j + Σ_f x_f[i]·b[coef_f(cell_f(i))] + Σ_t x_t[i]·r_t[group_t(i)]
 * (x = 1 for an intercept or a factor alone; o the offset; f the indexed fixed terms of spec.ts, X their dense rest)
 * over a coefficient vector that holds b at [0, p) and r_t from rStart[t] on. The model's own coefficient layout
 * (src/model/density.ts: b, then r_t per term in order) has rStart from coefficientStarts(); the constrained draws
 * layout (src/decision/linear-predictor.ts) has its own starts. Typed arrays, no allocation: these are hot loops.
 */
import { denseFixedCount, levelCount, type ModelSpec } from './spec.js';

/** Start of r_t in the model's coefficient vector [b_0 … b_{p−1}, r_0[·], r_1[·], …], per term; and its length. */
export function coefficientStarts(spec: ModelSpec): { readonly rStart: Int32Array; readonly size: number } {
  const rStart = new Int32Array(spec.terms.length);
  let size = spec.fixed.names.length;
  for (let t = 0; t < spec.terms.length; t++) {
    rStart[t] = size;
    size += levelCount(spec, t);
  }
  return { rStart, size };
}

/** out[i − i0] = η_i for the rows i in [i0, i1), from coefficients `coef` with r_t at coef[rStart[t] + level]. */
export function linearPredictor(
  spec: ModelSpec,
  coef: ArrayLike<number>,
  rStart: Int32Array,
  i0: number,
  i1: number,
  out: Float64Array,
): void {
  const X = spec.fixed.X;
  const p = denseFixedCount(spec.fixed);
  const offset = spec.offset;
  for (let i = i0; i < i1; i++) {
    const row = i * p;
    let s = offset ? offset[i] : 0;
    for (let j = 0; j < p; j++) s += X[row + j] * coef[j];
    out[i - i0] = s;
  }
  for (const { index, coefficient, x } of spec.fixed.indexed ?? []) {
    for (let i = i0; i < i1; i++) {
      const j = coefficient[index[i]];
      if (j >= 0) out[i - i0] += x === null ? coef[j] : x[i] * coef[j];
    }
  }
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const index = spec.groups[term.group].index;
    const start = rStart[t];
    const x = term.x;
    if (x === null) for (let i = i0; i < i1; i++) out[i - i0] += coef[start + index[i]];
    else for (let i = i0; i < i1; i++) out[i - i0] += x[i] * coef[start + index[i]];
  }
}

/**
 * The transpose of linearPredictor (the offset is constant, so it has no part here), accumulated: gcoef[j] += Σ_i X[i, j]·dEta[i − i0] and
 * gcoef[rStart[t] + group_t(i)] += x_t[i]·dEta[i − i0] — the chain rule from ∂/∂η to the coefficients.
 */
export function addLinearPredictorTranspose(
  spec: ModelSpec,
  dEta: Float64Array,
  i0: number,
  i1: number,
  rStart: Int32Array,
  gcoef: Float64Array,
): void {
  const X = spec.fixed.X;
  const p = denseFixedCount(spec.fixed);
  for (let i = i0; i < i1; i++) {
    const row = i * p;
    const d = dEta[i - i0];
    for (let j = 0; j < p; j++) gcoef[j] += X[row + j] * d;
  }
  for (const { index, coefficient, x } of spec.fixed.indexed ?? []) {
    for (let i = i0; i < i1; i++) {
      const j = coefficient[index[i]];
      if (j >= 0) gcoef[j] += x === null ? dEta[i - i0] : x[i] * dEta[i - i0];
    }
  }
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const index = spec.groups[term.group].index;
    const start = rStart[t];
    const x = term.x;
    if (x === null) for (let i = i0; i < i1; i++) gcoef[start + index[i]] += dEta[i - i0];
    else for (let i = i0; i < i1; i++) gcoef[start + index[i]] += x[i] * dEta[i - i0];
  }
}
