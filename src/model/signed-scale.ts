/**
 * The sd of a non-centered term with few levels as a signed coordinate v ∈ ℝ instead of u = log sd.
 *
 * The model is unchanged: sd = |v| and r = v·z. The sampler's density on (v, z) is the posterior pushed back through
 * the two-to-one map (v, z) ↦ (sd, z') = (|v|, sign(v)·z):
 *
 *     π̃(v, z) = ½ · p(sd = |v|) · Normal(z | 0, I) · L(r = v·z)
 *
 * (Normal(z) is even, so the ½ is all the map adds: each (sd, z') has the two preimages (sd, z') and (−sd, −z')).
 * Draws of π̃ mapped by (|v|, sign(v)·z) are draws of the posterior; every reported quantity (sd, z', r, the fixed
 * effects) is a function of them. This is the redundant multiplicative parameterization of Gelman, van Dyk, Huang &
 * Boscardin, "Using redundant parameterizations to fit hierarchical models" (J. Comput. Graph. Stat. 17(1), 2008),
 * with the redundant factor's sign only.
 *
 * Why. With 3–7 levels the sd is weakly identified and its posterior reaches 0 (Hillstrom's treatment slopes by
 * history_segment: Stan's 5% quantile 0.006, mean 0.088). On u = log sd that is a long left tail (skewness −1.1, sd
 * 1.1 on the log scale, bench/README.md), which NUTS crosses slowly and which held the minimum bulk-ESS of the fit.
 * On v the two mirror images of the posterior meet at 0 and make one smooth hump: with a half-normal or half-t sd
 * prior p(|v|) is the even normal or t density, smooth at v = 0, and there is no boundary and no tail. (An exponential
 * or gamma prior has a kink or a pole at 0; such terms keep log sd.)
 *
 * `--sd-scale signed` asks for it alone; the default, `--sd-scale scaled`, adds the scaled levels below. Measured on
 * Hillstrom's hierarchical model (bench/README.md, "Signed sd" and "Scaled levels"): signed alone 51–58 gradients per
 * minimum bulk-ESS against log sd's 76–177 on seeds 1, 2, 3 and 20240, but its larger steps reach the upper tail of
 * sd, where the data pin the non-centered z, and diverge there on some seeds; the scaled levels remove that.
 *
 * As a change of coordinates around a backend built on log sd (src/backend/signed-scale.ts): u = log|v|, z' =
 * sign(v)·z, and log π̃ = log π(u, z') − log|v| (−log 2 dropped), where log π(u, ·) already holds the Jacobian u of
 * sd = e^u. Gradient: ∂/∂v = (∂/∂u − 1)/v, ∂/∂z = sign(v)·∂/∂z'. The numerator ∂/∂u − 1 is O(v) (the prior's
 * −sd²/s² and the likelihood's sd·Σ z'·∂L/∂r), so the quotient stays finite as v → 0; v = 0 itself is read as
 * ±TINY.
 *
 * Scaled levels (`sdScale: 'scaled'`, the term carries levelInformation I_k). Given the sd, level k's z_k has prior
 * Normal(0, 1) and, through r_k = v·z_k, a likelihood of information about v²·I_k (I_k: the information the data carry
 * about r_k, src/model/parameterization.ts), so its conditional precision is about 1 + v²·I_k: near v = 0 the prior
 * holds z (the non-centered geometry), in the upper tail of sd the data pin it to a width 1/√(1 + v²·I_k) and the
 * non-centered z bend (where the signed sd diverged, bench/README.md). The level coordinate is then
 *
 *     ζ_k = z_k · s_k(v),   s_k(v) = √(1 + v²·I_k),   r_k = v·ζ_k / s_k(v),
 *
 * whose conditional spread is about 1 at every v: non-centered as v → 0, centered in the data's units (r_k·√I_k) as
 * v grows, a partial non-centering whose weight follows the sd (after Papaspiliopoulos, Roberts & Sköld 2007,
 * "A general framework for the parametrization of hierarchical models", Statistical Science 22(1)). Any positive
 * I_k give the same posterior: the map (v, ζ) ↦ (v, z) is a bijection for each v, triangular, with Jacobian
 * ∏_k 1/s_k(v), so
 *
 *     log π̃(v, ζ) = log π(u = log|v|, z' = sign(v)·ζ/s(v)) − log|v| − ½ Σ_k log(1 + v²·I_k),
 *
 * and with G_u, G_k the log-sd backend's gradient in u and z'_k (∂z'_k/∂v = −z'_k·v·I_k/s_k²):
 *
 *     ∂/∂v = (G_u − 1)/v − v · Σ_k I_k·(G_k·z'_k + 1)/s_k²,     ∂/∂ζ_k = sign(v)·G_k/s_k.
 *
 * s_k is even in v, so (v, ζ) and (−v, −ζ) still map to the same (sd, z') and π̃ stays smooth across v = 0.
 *
 * Scaled levels on log sd (a term with levelInformation but no signedScale: what the default does for a term the data
 * pin down, src/model/build.ts). The sd coordinate stays u = log sd and only the levels are scaled, ζ_k = z_k·s_k(e^u):
 *
 *     log π̃(u, ζ) = log π(u, z' = ζ/s(e^u)) − ½ Σ_k log(1 + e^{2u}·I_k),
 *     ∂/∂u = G_u − e^{2u} · Σ_k I_k·(G_k·z'_k + 1)/s_k²,     ∂/∂ζ_k = G_k/s_k.
 *
 * Why not signed there. When the data pin the levels (1/√I_k ≤ 0.4 × the sd prior's scale for every level,
 * src/model/parameterization.ts) and they differ, the sd's posterior sits away from 0 and ζ_k ≈ sign(v)·r_k·√I_k: the
 * signed coordinates (v, ζ) and (−v, −ζ) are two modes some 2·|r_k|·√I_k apart in ζ with a saddle at v = 0, and NUTS
 * spends its trajectories crossing between them. On Hillstrom's crossed model (zip-code and channel intercepts, 3
 * levels each) that cost 14–15 gradients per draw at step sizes 0.29–0.33 and a minimum bulk-ESS of 1,590–1,800 (48.9–56.2
 * gradients per minimum bulk-ESS, seeds 1–3); on log sd the same levels took 7.2–7.5 per draw at step sizes 0.47–0.55,
 * 21.8–25.0 per ESS, no divergences (bench/README.md, "Crossed: scaled levels on log sd", issue 17 session 10).
 * A term whose levels the data do not pin (the sd's posterior reaches 0) keeps the signed sd: one hump at 0 instead
 * of log sd's long left tail.
 */
import { MANY_LEVELS } from './parameterization.js';
import { levelCount, type ModelSpec, type VaryingTerm } from './spec.js';
import * as pm from '../numeric/portable-math.js';

/** |v| below this is read as this (v = 0 exactly has probability 0 but must not give log 0). */
const TINY = 1e-300;

/** Whether a term's sd can be sampled signed (`sdScale: 'signed'`): non-centered, fewer than MANY_LEVELS levels, an even sd prior. */
export function signedScaleSuits(term: Pick<VaryingTerm, 'parameterization' | 'sdPrior' | 'flat'>, levels: number): boolean {
  return (
    term.parameterization === 'noncentered' &&
    levels < MANY_LEVELS &&
    !term.flat &&
    (term.sdPrior.family === 'halfnormal' || term.sdPrior.family === 'halfstudent_t')
  );
}

/** Whether any term is sampled through this module's map: a signed sd, scaled levels, or both. */
export function hasSignedScale(spec: ModelSpec): boolean {
  return spec.terms.some((t) => t.signedScale === true || t.levelInformation !== undefined);
}

const unsignedCache = new WeakMap<ModelSpec, ModelSpec>();

/** The same spec with every sd on log scale (what the inner backend and the constrain algebra see). */
export function unsignedSpec(spec: ModelSpec): ModelSpec {
  let out = unsignedCache.get(spec);
  if (out === undefined) {
    out = {
      ...spec,
      terms: spec.terms.map((t) => {
        const { signedScale: _signed, levelInformation: _information, ...plain } = t;
        return plain;
      }),
    };
    unsignedCache.set(spec, out);
  }
  return out;
}

/** The terms of a spec this module maps: sd index, first level coordinate, levels, scaling, sign. */
export interface SignedTerm {
  readonly sdIndex: number;
  readonly offset: number;
  readonly K: number;
  /** I_k per level when the level coordinates are scaled (ζ), else null (z). */
  readonly info: Float64Array | null;
  /** The sd coordinate is the signed v (sd = |v|); false: it is u = log sd (then info is not null). */
  readonly signed: boolean;
}

export function signedTerms(spec: ModelSpec): SignedTerm[] {
  const out: SignedTerm[] = [];
  spec.terms.forEach((t, k) => {
    if (t.signedScale === true || t.levelInformation !== undefined) {
      out.push({ sdIndex: t.sdIndex, offset: t.offset, K: levelCount(spec, k), info: t.levelInformation ?? null, signed: t.signedScale === true });
    }
  });
  return out;
}

/** s_k(v) = √(1 + v²·I_k) of a scaled term (1 without scaling). */
function levelScale(info: Float64Array | null, k: number, v: number): number {
  return info === null ? 1 : Math.sqrt(1 + v * v * info[k]);
}

/**
 * n positions (dim each) with signed sds in src → the same with u = log|v| and z' = sign(v)·ζ/s(v) in dst (a log-sd
 * scaled term: u unchanged, z' = ζ/s(e^u)).
 */
export function signedToLog(terms: readonly SignedTerm[], dim: number, src: ArrayLike<number>, dst: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    const base = c * dim;
    for (let j = 0; j < dim; j++) dst[base + j] = src[base + j];
    for (const t of terms) {
      if (!t.signed) {
        const sd = pm.exp(src[base + t.sdIndex]);
        for (let k = 0; k < t.K; k++) dst[base + t.offset + k] = src[base + t.offset + k] / levelScale(t.info, k, sd);
        continue;
      }
      const v = src[base + t.sdIndex];
      const sign = v < 0 ? -1 : 1;
      dst[base + t.sdIndex] = pm.log(Math.max(Math.abs(v), TINY));
      if (sign < 0 || t.info !== null) {
        for (let k = 0; k < t.K; k++) dst[base + t.offset + k] = (sign * src[base + t.offset + k]) / levelScale(t.info, k, v);
      }
    }
  }
}

/**
 * The inverse on one position: u = log sd → v = sd (the positive preimage; a log-sd term keeps u), z' → ζ = z'·s(sd),
 * in place.
 */
export function logToSigned(terms: readonly SignedTerm[], theta: Float64Array): void {
  for (const t of terms) {
    const v = pm.exp(theta[t.sdIndex]);
    if (t.signed) theta[t.sdIndex] = v;
    if (t.info !== null) for (let k = 0; k < t.K; k++) theta[t.offset + k] *= levelScale(t.info, k, v);
  }
}

/**
 * For chain c: logp and grad (dim each, at c·dim) hold the log density and gradient in the log-sd coordinates of
 * `positions` (the signed ones); turns them into those of π̃ in place.
 */
export function pullBackSigned(
  terms: readonly SignedTerm[],
  dim: number,
  positions: ArrayLike<number>,
  c: number,
  logp: Float64Array,
  grad: Float64Array,
): void {
  const base = c * dim;
  for (const t of terms) {
    if (!t.signed) {
      pullBackLogScaled(t, positions, base, c, logp, grad);
      continue;
    }
    let v = positions[base + t.sdIndex];
    const sign = v < 0 ? -1 : 1;
    if (Math.abs(v) < TINY) v = sign * TINY;
    logp[c] -= pm.log(Math.abs(v));
    let gv = (grad[base + t.sdIndex] - 1) / v;
    if (t.info !== null) {
      let jacobian = 0;
      let shear = 0;
      for (let k = 0; k < t.K; k++) {
        const s2 = 1 + v * v * t.info[k];
        const s = Math.sqrt(s2);
        const zPlain = (sign * positions[base + t.offset + k]) / s;
        const g = grad[base + t.offset + k];
        jacobian += pm.log(s2);
        shear += (t.info[k] * (g * zPlain + 1)) / s2;
        grad[base + t.offset + k] = (sign * g) / s;
      }
      logp[c] -= 0.5 * jacobian;
      gv -= v * shear;
    } else if (sign < 0) {
      for (let k = 0; k < t.K; k++) grad[base + t.offset + k] = -grad[base + t.offset + k];
    }
    grad[base + t.sdIndex] = gv;
  }
}

/** pullBackSigned for a term with log sd and scaled levels (the module comment's second pair of formulas). */
function pullBackLogScaled(t: SignedTerm, positions: ArrayLike<number>, base: number, c: number, logp: Float64Array, grad: Float64Array): void {
  const info = t.info!;
  const sd = pm.exp(positions[base + t.sdIndex]);
  let jacobian = 0;
  let shear = 0;
  for (let k = 0; k < t.K; k++) {
    const s2 = 1 + sd * sd * info[k];
    const s = Math.sqrt(s2);
    const zPlain = positions[base + t.offset + k] / s;
    const g = grad[base + t.offset + k];
    jacobian += pm.log(s2);
    shear += (info[k] * (g * zPlain + 1)) / s2;
    grad[base + t.offset + k] = g / s;
  }
  logp[c] -= 0.5 * jacobian;
  grad[base + t.sdIndex] -= sd * sd * shear;
}
