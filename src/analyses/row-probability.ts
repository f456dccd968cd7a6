/**
 * Posterior mean of each row's own probability, E[sigmoid(η_i)] over the draws, from the model's linear predictor
 * (src/decision/linear-predictor.ts): the predictions a calibration curve of the fitted rows compares with y.
 * One η buffer of n values and one parameter vector; nothing is allocated per draw.
 */
import { sigmoid } from '../numeric/logistic.js';
import type { DrawSet } from '../draws.js';
import { LinearPredictor, drawColumns, gatherDraw } from '../decision/linear-predictor.js';
import type { ModelSpec } from '../model/spec.js';

export interface RowProbabilityOptions {
  /** Use at most this many draws, evenly spaced over all chains; default all. */
  readonly maxDraws?: number;
}

export function posteriorMeanProbability(spec: ModelSpec, draws: DrawSet, options: RowProbabilityOptions = {}): Float64Array {
  const S = draws.nChains * draws.nDraws;
  if (S === 0) throw new Error('posteriorMeanProbability: no draws');
  const used = Math.min(options.maxDraws ?? S, S);
  const predictor = new LinearPredictor(spec);
  const columns = drawColumns(spec, draws);
  const theta = new Float64Array(predictor.dim);
  const eta = new Float64Array(spec.n);
  const sum = new Float64Array(spec.n);
  for (let u = 0; u < used; u++) {
    gatherDraw(draws, columns, Math.floor((u * S) / used), theta);
    predictor.evaluate(theta, eta);
    for (let i = 0; i < spec.n; i++) sum[i] += sigmoid(eta[i]);
  }
  for (let i = 0; i < spec.n; i++) sum[i] /= used;
  return sum;
}
