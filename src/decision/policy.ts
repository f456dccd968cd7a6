/**
 * Targeting rules from posterior draws.
 * - Probability rule (the reference analysis's decision table): P(effect > 0) ≥ target → "target",
 *   test ≤ P < target → "test more", below → "deprioritise". Defaults 0.90 and 0.70.
 * - Expected-value rule: contacting a customer of the segment earns uplift · value-per-conversion and costs
 *   cost-per-contact; target when E[uplift] · value > cost, reported with P(uplift · value > cost), the probability
 *   that a contact pays for itself.
 */
import { UserError } from '../errors.js';

export type ProbabilityAction = 'target' | 'test more' | 'deprioritise';

export interface ProbabilityThresholds {
  readonly target: number;
  readonly test: number;
}

export const DEFAULT_THRESHOLDS: ProbabilityThresholds = { target: 0.9, test: 0.7 };

/** Checks 0 ≤ test ≤ target ≤ 1 (UserError naming the flags otherwise). */
export function checkThresholds(t: ProbabilityThresholds): ProbabilityThresholds {
  if (!(t.target >= 0 && t.target <= 1) || !(t.test >= 0 && t.test <= 1)) {
    throw new UserError(`--target-prob ${t.target} and --test-prob ${t.test} must be probabilities between 0 and 1`);
  }
  if (t.test > t.target) {
    throw new UserError(`--test-prob ${t.test} is above --target-prob ${t.target}; the "test more" band must lie below the target threshold`);
  }
  return t;
}

export function probabilityAction(probPositive: number, t: ProbabilityThresholds = DEFAULT_THRESHOLDS): ProbabilityAction {
  if (probPositive >= t.target) return 'target';
  if (probPositive >= t.test) return 'test more';
  return 'deprioritise';
}

export interface EconomicInputs {
  readonly valuePerConversion: number;
  readonly costPerContact: number;
}

/** Checks value > 0 and cost ≥ 0, both finite. */
export function checkEconomics(e: EconomicInputs): EconomicInputs {
  if (!(Number.isFinite(e.valuePerConversion) && e.valuePerConversion > 0)) {
    throw new UserError(`--value-per-conversion ${e.valuePerConversion} must be a positive number`);
  }
  if (!(Number.isFinite(e.costPerContact) && e.costPerContact >= 0)) {
    throw new UserError(`--cost-per-contact ${e.costPerContact} must be a number ≥ 0`);
  }
  return e;
}

export interface ExpectedValueDecision {
  /** E[uplift] · value − cost, per contact. */
  readonly expectedNetValue: number;
  /** P(uplift · value > cost). */
  readonly probPays: number;
  /** Uplift needed to break even: cost / value. */
  readonly breakEvenUplift: number;
  readonly action: 'target' | 'do not target';
}

export function expectedValueDecision(upliftDraws: Float64Array, e: EconomicInputs): ExpectedValueDecision {
  const S = upliftDraws.length;
  if (S === 0) throw new Error('expectedValueDecision: no draws');
  const breakEven = e.costPerContact / e.valuePerConversion;
  let sum = 0;
  let pays = 0;
  for (let s = 0; s < S; s++) {
    sum += upliftDraws[s];
    if (upliftDraws[s] * e.valuePerConversion > e.costPerContact) pays++;
  }
  const expectedNetValue = (sum / S) * e.valuePerConversion - e.costPerContact;
  return {
    expectedNetValue,
    probPays: pays / S,
    breakEvenUplift: breakEven,
    action: expectedNetValue > 0 ? 'target' : 'do not target',
  };
}
