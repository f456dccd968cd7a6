/**
 * The target acceptance statistic of step-size adaptation when the user does not choose one:
 *
 *   0.8   (Stan's default) for models without varying terms;
 *   0.85  for models with varying terms.
 *
 * Why. In the QR basis (src/model/fixed-basis.ts) the fixed effects no longer hold the step size down, so at 0.8 the
 * adaptation settles on steps that the varying terms' geometry (sd against its deviations) only just tolerates: on the
 * Hillstrom hierarchical model (4 chains × 1000 + 1000, seeds 1–3) 0.8 gave 3, 1 and 0 divergent transitions after
 * warm-up, 0.85 none, at 102–125k vs 119–133k gradients and the same minimum bulk-ESS (1450–1751 vs 1346–1849).
 * rstanarm makes the same call for its multilevel models (adapt_delta 0.95).
 */
import type { ModelSpec } from '../model/spec.js';

export const TARGET_ACCEPT_POOLED = 0.8;
export const TARGET_ACCEPT_VARYING = 0.85;

/** The rule in one line, for `nutmeg fit --help`. */
export const TARGET_ACCEPT_RULE = `default ${TARGET_ACCEPT_POOLED}, ${TARGET_ACCEPT_VARYING} when the model has varying terms`;

export function defaultTargetAccept(spec: Pick<ModelSpec, 'terms'>): number {
  return spec.terms.length > 0 ? TARGET_ACCEPT_VARYING : TARGET_ACCEPT_POOLED;
}
