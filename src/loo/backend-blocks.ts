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

/**
 * Yields blocks covering observations 0 … spec.n - 1. drawsUnconstrained is nDraws × dim (row-major), or the same
 * split into consecutive pieces (a fit's chains, each nDraws / pieces × dim), read where they are — a 10⁵-parameter
 * fit's chains are not copied into one array. The yielded block's values are overwritten when the next block is
 * requested.
 */
export async function* blocksFromBackend(
  backend: Backend,
  drawsUnconstrained: Float64Array | readonly Float64Array[],
  nDraws: number,
  blockRows: number,
  options: BackendBlockOptions = {},
): AsyncGenerator<LogLikBlock> {
  const dim = backend.dim;
  const nObs = backend.spec.n;
  const perCall = options.maxDrawsPerCall ?? 256;
  const pieces = drawsUnconstrained instanceof Float64Array ? [drawsUnconstrained] : drawsUnconstrained;
  const perPiece = nDraws / Math.max(1, pieces.length);
  if (!Number.isInteger(perPiece) || pieces.some((p) => p.length < perPiece * dim)) {
    throw new Error(`draws: ${pieces.map((p) => p.length).join(' + ')} values for ${nDraws} draws × ${dim} parameters in ${pieces.length} pieces`);
  }
  if (!(blockRows >= 1) || !(perCall >= 1)) throw new Error('blockRows and maxDrawsPerCall must be at least 1');
  const buffer = new Float64Array(nDraws * Math.min(blockRows, nObs));
  for (let start = 0; start < nObs; start += blockRows) {
    const count = Math.min(blockRows, nObs - start);
    const values = buffer.subarray(0, nDraws * count);
    for (let p = 0; p < pieces.length; p++) {
      for (let s0 = 0; s0 < perPiece; s0 += perCall) {
        const d = Math.min(perCall, perPiece - s0);
        const first = p * perPiece + s0;
        // draws first … first + d of this block are rows first … first + d of values: one contiguous slice
        await backend.pointwiseLogLik(pieces[p].subarray(s0 * dim, (s0 + d) * dim), d, start, count, values.subarray(first * count, (first + d) * count));
      }
    }
    yield { start, count, values };
  }
}
