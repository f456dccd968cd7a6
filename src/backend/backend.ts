/**
 * The backend interface: batched, asynchronous evaluation of the model's log density and gradient for C chains at
 * once, and of the pointwise log-likelihood for blocks of draws. Implementations: reference (TypeScript float64, the
 * oracle), native (C++ addon), webgpu (WGSL), wasm (the same C++ engine compiled to WebAssembly: src/backend/wasm/).
 * A backend owns its buffers for its whole life; callers own the arrays they pass and may reuse them between calls
 * (backends must not keep references to them).
 */
import type { ModelSpec } from '../model/spec.js';

export type BackendKind = 'reference' | 'native' | 'webgpu' | 'wasm';

export interface BackendOptions {
  /** Largest number of chains any single call will pass (buffers are sized for it). Default 4. */
  readonly maxChains?: number;
  /** Largest block of draws one pointwiseLogLik call will pass. Default 256. */
  readonly maxDraws?: number;
  /** Worker threads for CPU backends (default: the number of cores). */
  readonly threads?: number;
  /** WebGPU adapter name filter (substring match), or undefined for the default adapter. */
  readonly adapter?: string;
}

export interface Backend {
  readonly kind: BackendKind;
  /** Human description, e.g. "native (2 threads, AVX2)" or "webgpu (llvmpipe, OpenGL)". */
  readonly description: string;
  /**
   * How the gradient reads the rows, in words, when the backend chooses it from the data (native: grouped by cell or
   * sorted by level, native/src/model.hpp); recorded in fit.json. Absent when the backend has one fixed layout.
   */
  readonly layout?: string;
  readonly spec: ModelSpec;
  /** Unconstrained dimension, = spec.dim. */
  readonly dim: number;

  /**
   * Log density (log prior + log likelihood + log-Jacobian) and its gradient for nChains positions.
   * positions: nChains × dim, row-major. Writes logp[c] and grad[c·dim … (c+1)·dim).
   * When `active` is given, only chains with active[c] !== 0 must be evaluated; outputs of the others are left as
   * they were. A non-finite logp (e.g. overflow) is reported as -Infinity, never thrown.
   */
  logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void>;

  /**
   * Present only on a backend that evaluates on the calling thread (the reference backend; the native one for small
   * calls, src/backend/work-size.ts) and on wrappers around one: the same evaluation as logDensityGradient, done when
   * it returns. The sampler calls it in place of awaiting a promise per leapfrog round, which on a 56-row model costs
   * more than the arithmetic (issue 16 item 6). Must not be called while an asynchronous call of the same backend is
   * in flight.
   */
  readonly logDensityGradientSync?: (
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ) => void;

  /**
   * Pointwise log-likelihood for a block: draws is nDraws × dim unconstrained positions (row-major); writes
   * out[s · rowCount + (i - rowStart)] = log p(y_i | theta_s) for rows i in [rowStart, rowStart + rowCount).
   */
  pointwiseLogLik(
    draws: Float64Array,
    nDraws: number,
    rowStart: number,
    rowCount: number,
    out: Float64Array,
  ): Promise<void>;

  /**
   * Present on backends that can take some terms' level coordinates Helmert-rotated (the native engine and its wasm
   * build): from this call on, term t's coordinates (for each t in `terms`, an index into spec.terms) arrive as [u, e]
   * with the effects r = s·u/√K·1 + Q e — s = sd for a centered term, 1 for a non-centered one (whose r are the z) —
   * as src/model/split.ts splitToEffects maps them, and the gradient comes back with respect to [u, e] and log sd
   * (∂r/∂log sd at fixed [u, e] included), as pullBackSplitGradient pulls it back; no Jacobian is added. Returns false,
   * changing nothing, when the backend cannot. Called by the split map (split-terms.ts) before any evaluation, so the
   * per-call passes over every level happen once, inside the engine, instead of twice more in TypeScript.
   * With `folds` (one per term, a fixed coordinate or −1), term terms[i]'s mean is folded into coordinate folds[i]:
   * the backend applies the fold's shear b_j = coordinate − sd·u/√K where it stages positions (sd = exp of the
   * term's log sd), so the caller's positions go in unchanged; the gradient still comes back with respect to b_j (the
   * caller pulls the shear back). With `basis` too, the first basis.p coordinates arrive in the fixed basis θ = Lᵀ b
   * (src/model/fixed-basis.ts) and the backend maps them to b (before the shears) where it stages positions; the
   * gradient comes back with respect to b. Returns false, changing nothing, when it cannot do all of it.
   */
  rotateLevels?(terms: readonly number[], folds?: readonly number[], basis?: { readonly L: Float64Array; readonly p: number }): boolean;

  /** Releases threads, device buffers and pipelines. */
  dispose(): Promise<void>;
}
