/**
 * The split parameterization of a varying term with K levels: the mean of the K group effects non-centered, their
 * deviations from that mean centered.
 *
 * Why. When the model also has a fixed effect with the same covariate (a fixed intercept beside a varying
 * intercept), the data identify the group effects' deviations from their mean but not the mean itself: it trades
 * off against the fixed effect and only the prior r_k ~ Normal(0, sd) holds it, with scale sd/√K. Centered, that
 * direction is a funnel in sd (tight when sd is small, loose when large); with few levels sd is weakly identified
 * and the sampler has to cross the funnel. Non-centering only the mean removes the funnel there while the
 * deviations, pinned by the data, stay centered.
 *
 * Coordinates (K after log sd, as for the other parameterizations):
 *   u       the mean in units of its prior sd:  mean(r) = sd · u / √K,  u ~ Normal(0, 1)
 *   e_1 … e_{K-1}  the deviations in the orthonormal Helmert basis Q of the sum-zero subspace:  r − mean(r) = Q e
 * so r = (sd · u / √K) · 1 + Q e. Since [1/√K, Q] is orthogonal, r ~ Normal(0, sd² I) is the same as
 * sd·u ~ Normal(0, sd²) and e ~ Normal(0, sd² I): the density in (u, e) is the centered density times the Jacobian
 * |∂r/∂(u, e)| = sd, i.e. + log sd on the log scale.
 *
 * The shear. When the term's covariate is also fixed column j (the intercept beside a varying intercept), the
 * coordinate of b_j holds b_j + mean(r) instead (foldColumn in src/model/spec.ts): the linear predictor
 * b_j x + r_k x becomes (b_j + mean(r)) x + (Q e)_k x, so the data see only that sum and the deviations, and u is
 * left to its prior and the prior of b_j = coordinate − sd·u/√K. A shear has Jacobian 1.
 *
 * The same fold serves a non-centered term (z ~ Normal(0, I), r = sd·z) whose covariate is a fixed effect: its z
 * are sampled rotated, z = u/√K·1 + Q e (u, e ~ Normal(0, 1): a rotation, Jacobian 1), and b_j's coordinate holds
 * b_j + sd·u/√K, so again the data see only that sum and sd·Q e, and the mean of z no longer trades off against b_j
 * through sd.
 *
 * A folded varying intercept extends the shear to its group-level predictors (fixed columns constant within each
 * level): src/model/group-level-fold.ts.
 *
 * Helmert column j (0-based, j < K−1): entries 1/√((j+1)(j+2)) on levels 0 … j, −(j+1)/√((j+1)(j+2)) on level j+1,
 * 0 after. Both Q e and Qᵀ g take O(K) with a running sum, so 100,000 levels cost nothing.
 */
import type { GroupLevelFold } from './group-level-fold.js';
import type { VaryingTerm } from './spec.js';

/**
 * The Helmert basis's scales a[k] = 1/√(k(k+1)) for k = 1 … K−1 (a[0] unused): column j = k−1 of Q is a[k] on levels
 * 0 … k−1 and −k·a[k] on level k. A caller mapping many positions computes them once and passes them in.
 */
export function helmertCoefficients(K: number): Float64Array {
  const a = new Float64Array(Math.max(1, K));
  for (let k = 1; k < K; k++) a[k] = 1 / Math.sqrt(k * (k + 1));
  return a;
}

/** r (length K) = (sd · u / √K) · 1 + Q e, with e = coords[1 … K−1] and u = coords[0]. */
export function splitToEffects(
  sd: number,
  coords: ArrayLike<number>,
  from: number,
  K: number,
  r: Float64Array | number[],
  to: number,
  helmert?: Float64Array,
): void {
  const mean = (sd * coords[from]) / Math.sqrt(K);
  // Level k receives e_j/√((j+1)(j+2)) from every column j ≥ k, and −k/√(k(k+1)) · e_{k−1} from column k−1.
  // (with `helmert` given, no square root or division per level: this runs per chain and leapfrog step)
  let suffix = 0;
  for (let k = K - 1; k >= 1; k--) {
    const e = coords[from + k];
    const a = helmert ? helmert[k] : 1 / Math.sqrt(k * (k + 1));
    r[to + k] = mean + (suffix - k * a * e);
    suffix += e * a;
  }
  r[to] = mean + suffix;
}

/** Inverse of splitToEffects: u = Σr / (√K · sd) into coords[from], e = Qᵀ r into coords[from+1 … from+K−1]. */
export function effectsToSplit(sd: number, r: ArrayLike<number>, from: number, K: number, coords: Float64Array | number[], to: number): void {
  let prefix = 0;
  for (let k = 0; k < K; k++) {
    // Column j = k − 1 covers levels 0 … k−1 with 1/√(k(k+1)) and level k with −k/√(k(k+1)).
    if (k >= 1) coords[to + k] = (prefix - k * r[from + k]) / Math.sqrt(k * (k + 1));
    prefix += r[from + k];
  }
  coords[to] = prefix / (Math.sqrt(K) * sd);
}

/**
 * The information a rotated term's coordinates [u, e] carry when level k's effect carries I_k (independent levels):
 * the diagonal of Qᵀ diag(I) Q for the Helmert coordinates, Σ_k Q_kj²·I_k = a[k]²·(Σ_{l<k} I_l + k²·I_k) for e_{k−1},
 * and 0 for u, whose direction the fold moves into the fixed coefficient (the likelihood does not see it).
 */
export function rotatedInformation(info: ArrayLike<number>, K: number): Float64Array {
  const out = new Float64Array(K);
  let prefix = info[0];
  for (let k = 1; k < K; k++) {
    out[k] = (prefix + k * k * info[k]) / (k * (k + 1));
    prefix += info[k];
  }
  return out;
}

/**
 * Pulls a gradient with respect to r (g, length K, at g[from…]) back to (u, e), written over g in place, and returns
 * the extra derivative with respect to log sd at fixed (u, e): ∂r/∂log sd = mean(r)·1 = sd·u/√K · 1, so the extra
 * term is (sd · u / √K) · Σ g. (The caller adds it and the Jacobian's +1.) `u` is the current mean coordinate.
 */
export function pullBackSplitGradient(
  sd: number,
  u: number,
  g: Float64Array,
  from: number,
  K: number,
  helmert?: Float64Array,
): number {
  // Qᵀ g in place, going upwards: column j = k−1 needs the prefix sum of g over levels 0 … k−1 and g_k; the last
  // prefix is Σ g.
  let prefix = g[from];
  for (let k = 1; k < K; k++) {
    const gk = g[from + k];
    g[from + k] = (prefix - k * gk) * (helmert ? helmert[k] : 1 / Math.sqrt(k * (k + 1)));
    prefix += gk;
  }
  const total = prefix;
  g[from] = (sd / Math.sqrt(K)) * total;
  return ((sd * u) / Math.sqrt(K)) * total;
}

/**
 * The fixed column term t's levels' mean is folded into (its coordinate holds b_j + mean(r_t)), or -1: split terms
 * and non-centered terms with a foldColumn (src/model/spec.ts).
 */
export function foldColumnOf(term: VaryingTerm): number {
  return term.parameterization === 'centered' ? -1 : (term.foldColumn ?? -1);
}

/** The group-level shear of a folded term (src/model/group-level-fold.ts), or null. */
export function groupLevelFoldOf(term: VaryingTerm): GroupLevelFold | null {
  return foldColumnOf(term) >= 0 ? (term.groupLevelFold ?? null) : null;
}

/** A non-centered term folded into a fixed effect: its z are sampled rotated, as [u, e] with z = u/√K·1 + Q e. */
export function isRotated(term: VaryingTerm): boolean {
  return term.parameterization === 'noncentered' && (term.foldColumn ?? -1) >= 0;
}

/** The levels' mean sd · u / √K: what the shear adds to the shared fixed coefficient. */
export function splitMean(sd: number, u: number, K: number): number {
  return (sd * u) / Math.sqrt(K);
}
