/**
 * How well scored probabilities predict the scored rows' observed 0/1 outcomes: ROC AUC, log loss, Brier score and
 * the calibration table (src/decision/metrics.ts).
 */
import type { Frame } from '../data/frame.js';
import { requireBinaryOutcome } from '../data/checks.js';
import { UserError } from '../errors.js';
import type { DesignRecipe } from '../model/recipe.js';
import { brierScore, calibrationTable, logLoss, rocAuc, type CalibrationBin } from './metrics.js';

/** How well the posterior mean probabilities predict the observed 0/1 outcomes. */
export interface Evaluation {
  readonly n: number;
  readonly positives: number;
  readonly rocAuc: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly calibration: CalibrationBin[];
}

/**
 * Classifier metrics of `predicted` against the frame's outcome column (src/decision/metrics.ts); null when the frame
 * has no such column. Bernoulli models only.
 */
export function evaluateScores(recipe: DesignRecipe, frame: Frame, predicted: Float64Array, bins = 10): Evaluation | null {
  const y = scoredOutcome(recipe, frame);
  return y === null ? null : evaluateOutcomes(y, predicted, bins);
}

/**
 * The 0/1 outcome of the scored rows for the classifier metrics (checked row by row, errors naming the row), or null
 * when the rows lack the outcome column. Bernoulli models only.
 */
export function scoredOutcome(recipe: DesignRecipe, frame: Frame): Float64Array | null {
  if (!frame.columns.has(recipe.outcome)) return null;
  if (recipe.family !== 'bernoulli') {
    const model = recipe.family === 'binomial' ? `binomial (${recipe.outcome} of ${recipe.trials})` : recipe.family;
    throw new UserError(`scoring metrics need a 0/1 outcome; this model is ${model}`);
  }
  return requireBinaryOutcome(frame, recipe.outcome, `outcome column "${recipe.outcome}" of the scored data`);
}

/** Classifier metrics of posterior mean probabilities `predicted` against observed 0/1 outcomes `y`. */
export function evaluateOutcomes(y: ArrayLike<number>, predicted: ArrayLike<number>, bins = 10): Evaluation {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  return {
    n: y.length,
    positives,
    rocAuc: rocAuc(y, predicted),
    logLoss: logLoss(y, predicted),
    brier: brierScore(y, predicted),
    calibration: calibrationTable(y, predicted, bins),
  };
}
