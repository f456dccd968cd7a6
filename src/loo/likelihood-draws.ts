/**
 * The constrained draws of a run as a DrawSource in the likelihood's coordinates (src/model/likelihood-spec.ts): for
 * a block of rows, only the coordinates those rows read are written — the fixed effects, log sds and aux, and the
 * rows' levels — read from the DrawSet where they are (one variable's draws are contiguous there). A request costs
 * draws × (fixed coordinates + rows' levels), so LOO of a 10⁵-level fit no longer passes every level of every draw
 * for each block of 256 rows.
 */
import type { DrawSet } from '../draws.js';
import { rowCoordinateReader, type LikelihoodSources } from '../model/likelihood-spec.js';
import type { ModelSpec } from '../model/spec.js';
import * as pm from '../numeric/portable-math.js';
import type { DrawSource } from './backend-blocks.js';

/** `lik`: likelihoodSpec of the run's model; `sources`: likelihoodSources(lik, draws.names); requests of at most maxPerCall draws. */
export function likelihoodDrawSource(lik: ModelSpec, draws: DrawSet, sources: LikelihoodSources, maxPerCall: number): DrawSource {
  const dim = lik.dim;
  const size = draws.nChains * draws.nDraws;
  const { values } = draws;
  const { source, log } = sources;
  const staging = new Float64Array(maxPerCall * dim);
  const coordinatesOf = rowCoordinateReader(lik);
  return {
    perPiece: draws.nDraws,
    draws(first, count, rowStart, rowCount) {
      if (count > maxPerCall) throw new Error(`likelihoodDrawSource: ${count} draws asked for, at most ${maxPerCall}`);
      for (const j of coordinatesOf(rowStart, rowCount)) {
        const v = source[j];
        if (v < 0) continue;
        // draw g of variable v is values[v · size + g] (variables one after the other, chains concatenated)
        const from = v * size + first;
        if (log[j]) for (let s = 0; s < count; s++) staging[s * dim + j] = pm.log(values[from + s]);
        else for (let s = 0; s < count; s++) staging[s * dim + j] = values[from + s];
      }
      return staging.subarray(0, count * dim);
    },
  };
}
