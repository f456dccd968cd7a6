/**
 * Multinomial sampling along a NUTS trajectory, in log space (Betancourt 2017, §A.3.2; Stan's base_nuts): every state
 * has weight exp(H0 − H). Merging two pieces keeps one proposal without revisiting the states:
 *   - inside a subtree, uniform progressive sampling: take the new piece's proposal with probability w_new / (w_old + w_new);
 *   - at the top level, biased progressive sampling: take the new subtree's proposal with probability
 *     min(1, w_new / w_old), which favours moving far from the starting point.
 * Randomness is drawn only when the outcome is not already certain, as Stan does, so that a seed reproduces a run.
 */
import type { Rng } from '../rng.js';
import * as pm from '../numeric/portable-math.js';

/** log(exp(a) + exp(b)), exact for infinite arguments. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + pm.log1p(pm.exp(b - a)) : b + pm.log1p(pm.exp(a - b));
}

/** Uniform progressive sampling: true when the later piece's proposal (log weight lswNew) replaces the earlier's. */
export function takeUniform(lswOld: number, lswNew: number, rng: Rng): boolean {
  const lswTotal = logAddExp(lswOld, lswNew);
  if (lswNew > lswTotal) return true;
  return rng.uniform() < pm.exp(lswNew - lswTotal);
}

/** Biased progressive sampling: true when the new subtree's proposal replaces the trajectory's current sample. */
export function takeBiased(lswTrajectory: number, lswSubtree: number, rng: Rng): boolean {
  if (lswSubtree > lswTrajectory) return true;
  return rng.uniform() < pm.exp(lswSubtree - lswTrajectory);
}
