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
 * Not the default (`--sd-scale signed` asks for it). Measured on Hillstrom's hierarchical model (bench/README.md,
 * "Signed sd"): 51–58 gradients per minimum bulk-ESS against log sd's 76–177 on seeds 1, 2, 3 and 20240, but the
 * larger steps it allows reach the far upper tail of sd (0.57–0.61, where the data pin r = sd·z and the non-centered
 * z bend) and diverge there on some seeds: 0, 0, 0, 6 divergences against 7, 1, 0, 0 (and 1, 0, ·, 0 at target
 * acceptance 0.9), and tests/analyses/hillstrom-real.slow.test.ts asks for none at seed 20240.
 *
 * As a change of coordinates around a backend built on log sd (src/backend/signed-scale.ts): u = log|v|, z' =
 * sign(v)·z, and log π̃ = log π(u, z') − log|v| (−log 2 dropped), where log π(u, ·) already holds the Jacobian u of
 * sd = e^u. Gradient: ∂/∂v = (∂/∂u − 1)/v, ∂/∂z = sign(v)·∂/∂z'. The numerator ∂/∂u − 1 is O(v) (the prior's
 * −sd²/s² and the likelihood's sd·Σ z'·∂L/∂r), so the quotient stays finite as v → 0; v = 0 itself is read as
 * ±TINY.
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

export function hasSignedScale(spec: ModelSpec): boolean {
  return spec.terms.some((t) => t.signedScale === true);
}

const unsignedCache = new WeakMap<ModelSpec, ModelSpec>();

/** The same spec with every sd on log scale (what the inner backend and the constrain algebra see). */
export function unsignedSpec(spec: ModelSpec): ModelSpec {
  let out = unsignedCache.get(spec);
  if (out === undefined) {
    out = {
      ...spec,
      terms: spec.terms.map((t) => {
        const { signedScale: _signed, ...plain } = t;
        return plain;
      }),
    };
    unsignedCache.set(spec, out);
  }
  return out;
}

/** The signed terms of a spec as (sd index, first level coordinate, levels) triples. */
export interface SignedTerm {
  readonly sdIndex: number;
  readonly offset: number;
  readonly K: number;
}

export function signedTerms(spec: ModelSpec): SignedTerm[] {
  const out: SignedTerm[] = [];
  spec.terms.forEach((t, k) => {
    if (t.signedScale === true) out.push({ sdIndex: t.sdIndex, offset: t.offset, K: levelCount(spec, k) });
  });
  return out;
}

/** n positions (dim each) with signed sds in src → the same with u = log|v| and z' = sign(v)·z in dst. */
export function signedToLog(terms: readonly SignedTerm[], dim: number, src: ArrayLike<number>, dst: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    const base = c * dim;
    for (let j = 0; j < dim; j++) dst[base + j] = src[base + j];
    for (const t of terms) {
      const v = src[base + t.sdIndex];
      const sign = v < 0 ? -1 : 1;
      dst[base + t.sdIndex] = pm.log(Math.max(Math.abs(v), TINY));
      if (sign < 0) for (let k = 0; k < t.K; k++) dst[base + t.offset + k] = -src[base + t.offset + k];
    }
  }
}

/** The inverse on one position: u = log sd → v = sd (the positive preimage), z' → z unchanged, in place. */
export function logToSigned(terms: readonly SignedTerm[], theta: Float64Array): void {
  for (const t of terms) theta[t.sdIndex] = pm.exp(theta[t.sdIndex]);
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
    let v = positions[base + t.sdIndex];
    const sign = v < 0 ? -1 : 1;
    if (Math.abs(v) < TINY) v = sign * TINY;
    logp[c] -= pm.log(Math.abs(v));
    grad[base + t.sdIndex] = (grad[base + t.sdIndex] - 1) / v;
    if (sign < 0) for (let k = 0; k < t.K; k++) grad[base + t.offset + k] = -grad[base + t.offset + k];
  }
}
