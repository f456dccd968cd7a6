/**
 * The basis of the fixed effects' unconstrained coordinates. The sampler moves θ = Lᵀ b instead of the coefficients
 * b, with L L ᵀ = XᵀX / n the Cholesky factorisation of the design's scaled cross-product (equivalently Lᵀ = R of the
 * thin QR decomposition X / √n = Q R, up to signs: rstanarm's QR = TRUE).
 *
 * Why. The posterior of a regression's coefficients inherits the correlations of its columns: on Hillstrom `mens`
 * and `womens` nearly add up to the intercept, so the three coefficients move along a narrow ridge. A diagonal metric
 * only rescales coordinates, so NUTS takes small steps across the ridge and long trajectories along it. In the θ basis
 * the likelihood's curvature XᵀWX is close to a multiple of the identity (exactly so when the weights W are equal),
 * so the diagonal metric fits. The priors stay on b (evaluated at b = L⁻ᵀ θ); the map is linear, so its Jacobian
 * is the constant −Σ log L_jj, added so that the log density of θ is the density of b times |∂b/∂θ|.
 * Measured on the Hillstrom hierarchical model (4 chains × 1000 + 1000, seed 2, native): 199k gradients and minimum
 * bulk-ESS 1,708 in the natural basis at target acceptance 0.8; 133k and 1,762 in this basis at 0.85 (the default
 * with varying terms, src/fit/target-accept.ts). Whole-fit figures: bench/README.md.
 *
 * All maps work on the p fixed coordinates of one position in place; O(p²) each.
 */

import { choleskyLower } from '../numeric/cholesky.js';
import { addLowerCrossProducts, CROSS_PRODUCT_BLOCK_ROWS } from '../numeric/cross-products.js';
import * as pm from '../numeric/portable-math.js';

/** Smallest pivot, relative to its column's diagonal entry of XᵀX/n, for which the basis is used. */
const MIN_RELATIVE_PIVOT = 1e-8;

/**
 * L (p × p, row-major, lower triangular) with L Lᵀ = XᵀX / n for the n × p row-major design X; null when p < 2
 * (nothing to decorrelate) or when XᵀX is singular or nearly so (collinear columns: the coefficients are then
 * identified by their priors alone, and the basis would amplify rounding).
 */
export function fixedBasisFactor(X: Float64Array, n: number, p: number): Float64Array | null {
  if (p < 2 || n < 1) return null;
  const A = new Float64Array(p * p);
  // XᵀX's lower triangle a block of rows at a time, its columns one after another (src/numeric/cross-products.ts)
  const B = Math.min(n, CROSS_PRODUCT_BLOCK_ROWS);
  const cols = new Float64Array(p * B);
  for (let start = 0; start < n; start += B) {
    const len = Math.min(B, n - start);
    for (let i = 0, row = start * p; i < len; i++, row += p) for (let a = 0; a < p; a++) cols[a * B + i] = X[row + a];
    addLowerCrossProducts(cols, B, len, p, A);
  }
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) A[a * p + b] /= n;
  const L = new Float64Array(p * p);
  return choleskyLower(A, p, L, 0, MIN_RELATIVE_PIVOT) < 0 ? L : null;
}

/** b = L⁻ᵀ θ: reads θ from x[off …], writes b there (back substitution). */
export function basisToFixed(L: Float64Array, p: number, x: Float64Array, off: number): void {
  for (let i = p - 1; i >= 0; i--) {
    let s = x[off + i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[off + k];
    x[off + i] = s / L[i * p + i];
  }
}

/** θ = Lᵀ b: reads b from x[off …], writes θ there. */
export function fixedToBasis(L: Float64Array, p: number, x: Float64Array, off: number): void {
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = i; k < p; k++) s += L[k * p + i] * x[off + k];
    x[off + i] = s;
  }
}

/** ∂/∂θ = L⁻¹ ∂/∂b: reads the gradient in b from g[off …], writes the gradient in θ there (forward substitution). */
export function pullBackFixedGradient(L: Float64Array, p: number, g: Float64Array, off: number): void {
  for (let i = 0; i < p; i++) {
    let s = g[off + i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * g[off + k];
    g[off + i] = s / L[i * p + i];
  }
}

/** log |∂b/∂θ| = −Σ log L_jj. */
export function fixedBasisLogJacobian(L: Float64Array, p: number): number {
  let s = 0;
  for (let j = 0; j < p; j++) s -= pm.log(L[j * p + j]);
  return s;
}
