/**
 * Targeting rules from posterior draws.
 * - Probability rule (the reference analysis's decision table): P(effect > 0) ≥ target → "target",
 *   test ≤ P < target → "test more", below → "deprioritise". Defaults 0.90 and 0.70.
 * - Expected-value rule: contacting a customer of the segment earns uplift · value-per-conversion and costs
 *   cost-per-contact; target when E[uplift] · value > cost, reported with P(uplift · value > cost), the probability
 *   that a contact pays for itself; the same rule on any per-contact gain (expected revenue uplift) is netGainDecision.
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
  const net = netGainDecision(upliftDraws, e.valuePerConversion, e.costPerContact);
  return { ...net, breakEvenUplift: e.costPerContact / e.valuePerConversion };
}

export interface NetGainDecision {
  /** E[gain] · scale − cost, per contact. */
  readonly expectedNetValue: number;
  /** P(gain · scale > cost). */
  readonly probPays: number;
  readonly action: 'target' | 'do not target';
}

/**
 * A contact earns gain · scale (gain per posterior draw: an uplift in conversion probability with scale the value of
 * a conversion, or an uplift in expected revenue with scale 1) and costs `cost`: target when E[gain] · scale > cost.
 */
export function netGainDecision(gainDraws: Float64Array, scale: number, cost: number): NetGainDecision {
  const S = gainDraws.length;
  if (S === 0) throw new Error('netGainDecision: no draws');
  let sum = 0;
  let pays = 0;
  for (let s = 0; s < S; s++) {
    sum += gainDraws[s];
    if (gainDraws[s] * scale > cost) pays++;
  }
  const expectedNetValue = (sum / S) * scale - cost;
  return { expectedNetValue, probPays: pays / S, action: expectedNetValue > 0 ? 'target' : 'do not target' };
}

/** Checks a cost per contact on its own (finite, ≥ 0). */
export function checkCostPerContact(cost: number): number {
  if (!(Number.isFinite(cost) && cost >= 0)) throw new UserError(`--cost-per-contact ${cost} must be a number ≥ 0`);
  return cost;
}
