/**
 * A backend seen through a change of coordinates: the sampler's (outer) positions are mapped to the coordinates an
 * inner backend evaluates, and its log density and gradient are pulled back. The maps of correlated blocks
 * (correlated-terms.ts), split/folded terms and the fixed basis (split-terms.ts), indexed fixed effects
 * (indexed-fixed.ts) and the offset column (offset-column.ts) each say only how positions go in and how the gradient
 * comes back; this module owns the scratch buffers, both call forms (promise and calling-thread) and the pointwise
 * log-likelihood, so each map's algebra lives in one place and the buffers grow only when a call needs more chains.
 */
import type { Backend, BackendOptions } from './backend.js';
import type { ModelSpec } from '../model/spec.js';

export interface CoordinateMap {
  /** Dimension of the inner backend's coordinates. */
  readonly innerDim: number;
  /**
   * True when the inner backend writes its gradient into a buffer of its own (the map's pull-back reads it from
   * innerGrad and writes grad); false when the map works on the caller's grad in place (then innerGrad === grad).
   */
  readonly separateGradient: boolean;
  /**
   * True when the inner backend takes the outer positions as they are (toInner would copy them unchanged; innerDim is
   * the outer dim): the positions and draws are passed through without a copy, and pullBack's innerPositions are the
   * positions. Absent: false.
   */
  readonly identity?: boolean;
  /** n outer positions or draws (outer dim each, row-major) → inner ones (innerDim each) in dst. */
  toInner(src: Float64Array, dst: Float64Array, n: number): void;
  /**
   * After the inner call for nChains chains: logp and grad (outer dim each) from the inner ones, chains with
   * active[c] === 0 left as they were. innerPositions are the mapped positions of the call.
   */
  pullBack(
    positions: Float64Array,
    innerPositions: Float64Array,
    innerGrad: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): void;
}

/** A map's pull-back (CoordinateMap.pullBack), for declaring one apart from its map. */
export type PullBack = CoordinateMap['pullBack'];

/** The backend with the outer spec's coordinates, evaluating through `inner` (built on the mapped spec). */
export function mapBackend(outer: ModelSpec, inner: Backend, map: CoordinateMap, options: BackendOptions = {}): Backend {
  const { innerDim } = map;
  const chains = options.maxChains ?? 4;
  let positionsScratch = new Float64Array(chains * innerDim);
  let gradScratch = new Float64Array(map.separateGradient ? chains * innerDim : 0);
  let drawsScratch = new Float64Array(0);
  const identity = map.identity === true;
  if (identity) positionsScratch = new Float64Array(0);
  /** The inner positions of this call: the positions themselves (identity), else mapped into positionsScratch. */
  const before = (positions: Float64Array, nChains: number): Float64Array => {
    if (map.separateGradient && gradScratch.length < nChains * innerDim) gradScratch = new Float64Array(nChains * innerDim);
    if (identity) return positions;
    if (positionsScratch.length < nChains * innerDim) positionsScratch = new Float64Array(nChains * innerDim);
    map.toInner(positions, positionsScratch, nChains);
    return positionsScratch;
  };
  const innerGradient = (grad: Float64Array): Float64Array => (map.separateGradient ? gradScratch : grad);
  const innerSync = inner.logDensityGradientSync;
  return {
    kind: inner.kind,
    description: inner.description,
    layout: inner.layout,
    spec: outer,
    dim: outer.dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      const innerPositions = before(positions, nChains);
      const g = innerGradient(grad);
      await inner.logDensityGradient(innerPositions, nChains, logp, g, active);
      map.pullBack(positions, innerPositions, g, nChains, logp, grad, active);
    },
    logDensityGradientSync: innerSync
      ? (positions, nChains, logp, grad, active) => {
          const innerPositions = before(positions, nChains);
          const g = innerGradient(grad);
          innerSync.call(inner, innerPositions, nChains, logp, g, active);
          map.pullBack(positions, innerPositions, g, nChains, logp, grad, active);
        }
      : undefined,
    async pointwiseLogLik(draws, nDraws, rowStart, rowCount, out) {
      if (identity) return inner.pointwiseLogLik(draws, nDraws, rowStart, rowCount, out);
      if (drawsScratch.length < nDraws * innerDim) drawsScratch = new Float64Array(nDraws * innerDim);
      map.toInner(draws, drawsScratch, nDraws);
      await inner.pointwiseLogLik(drawsScratch, nDraws, rowStart, rowCount, out);
    },
    dispose: () => inner.dispose(),
  };
}
