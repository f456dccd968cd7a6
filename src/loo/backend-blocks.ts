/**
 * Adapter from a backend's pointwise log-likelihood to the observation blocks PSIS-LOO consumes: each block holds all
 * draws of `blockRows` consecutive observations, filled by calls of at most `maxDrawsPerCall` draws (the backend's
 * `maxDraws` option). One block buffer is reused, so memory is nDraws × blockRows values whatever N is.
 */
import type { Backend } from '../backend/backend.js';
import type { LogLikBlock } from './loo.js';

export interface BackendBlockOptions {
  /** Largest number of draws per pointwiseLogLik call; must not exceed the backend's maxDraws. Default 256. */
  readonly maxDrawsPerCall?: number;
}

/** Where a block's draws come from, in the backend's coordinates. */
export interface DrawSource {
  /** Draws per piece (a fit's chains): no request crosses the end of a piece. */
  readonly perPiece: number;
  /**
   * Draws first … first + count − 1 (within one piece), count × dim row-major, right at least in the coordinates that
   * rows rowStart … rowStart + rowCount − 1 read; the array may be overwritten by the next request.
   */
  draws(first: number, count: number, rowStart: number, rowCount: number): Float64Array;
}

/**
 * The draws as nDraws × dim (row-major) or the same split into consecutive pieces (a fit's chains, each nDraws /
 * pieces × dim), read where they are — a 10⁵-parameter fit's chains are not copied into one array.
 */
export function piecesSource(drawsUnconstrained: Float64Array | readonly Float64Array[], nDraws: number, dim: number): DrawSource {
  const pieces = drawsUnconstrained instanceof Float64Array ? [drawsUnconstrained] : drawsUnconstrained;
  const perPiece = nDraws / Math.max(1, pieces.length);
  if (!Number.isInteger(perPiece) || pieces.some((p) => p.length < perPiece * dim)) {
    throw new Error(`draws: ${pieces.map((p) => p.length).join(' + ')} values for ${nDraws} draws × ${dim} parameters in ${pieces.length} pieces`);
  }
  return {
    perPiece,
    draws(first, count) {
      const p = Math.floor(first / perPiece);
      const s0 = first - p * perPiece;
      return pieces[p].subarray(s0 * dim, (s0 + count) * dim);
    },
  };
}

/**
 * Yields blocks covering observations 0 … spec.n - 1: the draws of `source` (or of unconstrained arrays, piecesSource)
 * through the backend. The yielded block's values are overwritten when the next block is requested.
 */
export async function* blocksFromBackend(
  backend: Backend,
  drawsUnconstrained: Float64Array | readonly Float64Array[] | DrawSource,
  nDraws: number,
  blockRows: number,
  options: BackendBlockOptions = {},
): AsyncGenerator<LogLikBlock> {
  const nObs = backend.spec.n;
  const perCall = options.maxDrawsPerCall ?? 256;
  const source = 'draws' in drawsUnconstrained && typeof drawsUnconstrained.draws === 'function'
    ? drawsUnconstrained
    : piecesSource(drawsUnconstrained as Float64Array | readonly Float64Array[], nDraws, backend.dim);
  const { perPiece } = source;
  if (!(blockRows >= 1) || !(perCall >= 1)) throw new Error('blockRows and maxDrawsPerCall must be at least 1');
  const buffer = new Float64Array(nDraws * Math.min(blockRows, nObs));
  for (let start = 0; start < nObs; start += blockRows) {
    const count = Math.min(blockRows, nObs - start);
    const values = buffer.subarray(0, nDraws * count);
    for (let p0 = 0; p0 < nDraws; p0 += perPiece) {
      for (let s0 = 0; s0 < perPiece; s0 += perCall) {
        const d = Math.min(perCall, perPiece - s0);
        const first = p0 + s0;
        // draws first … first + d of this block are rows first … first + d of values: one contiguous slice
        await backend.pointwiseLogLik(source.draws(first, d, start, count), d, start, count, values.subarray(first * count, (first + d) * count));
      }
    }
    yield { start, count, values };
  }
}
