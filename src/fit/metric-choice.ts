/**
 * The metric a fit adapts when the user does not choose one (`metric: 'auto'`, the default):
 *
 *   dense    when the model has no varying terms and at most DENSE_AUTO_MAX_DIM parameters;
 *   lowrank  otherwise, when it has a categorical fixed effect stored as a level index (src/model/indexed-fixed.ts)
 *            and at most LOWRANK_AUTO_MAX_DIM parameters;
 *   diag     otherwise.
 *
 * Why. Regression coefficients are often strongly correlated a posteriori (on Hillstrom, `mens` and `womens` nearly
 * add up to the intercept), which a diagonal metric cannot undo: NUTS then needs ~19 gradients per draw where the
 * dense metric needs ~6, and the dense fit's minimum bulk-ESS per gradient is ~9× higher (bench/metric-gradients.ts,
 * pooled, seeds 1–3: 9.7–11.7 vs 99–114 per 1000 gradients, no divergences either way). Those figures are in the
 * coefficients' own basis; the default QR basis (src/model/fixed-basis.ts) removes most of the correlation before
 * the metric sees it, and the dense metric is kept for what remains (the likelihood's weights are not equal). For a model without varying
 * terms the posterior is close to Gaussian, so one well-estimated covariance fits it everywhere.
 * With varying terms the posterior has a funnel (the level effects' scale is a parameter): the covariance estimated
 * in one region is wrong in another, and on Hillstrom's hierarchical model the dense metric gave divergent transitions
 * where the diagonal one gave none (bench/metric-gradients.ts, same seeds), so diag stays the default there.
 * The dimension cap keeps the covariance estimable from warm-up's windows (the Fisher warm-up's dense estimate needs
 * > 2d draws in a window of 80–160; Stan's last slow window has ~500) and the O(d²) metric work per leapfrog step, and
 * the warm-up's O(d³) re-estimates, small beside a gradient over the data.
 * A categorical fixed effect of many levels (an indexed term, treatment-coded) ties every level's coefficient to the
 * intercept: each is the difference between its level and the first, so with few rows a level all of them move
 * with the intercept, one direction the diagonal metric cannot follow. The QR basis covers dense columns only, and
 * a dense metric of 600+ coordinates is neither estimable from warm-up nor cheap; the low-rank metric (diagonal plus
 * the leading directions of the draws and gradients) finds that direction. Measured on `y ~ x + g` with 600 levels of
 * 10 rows (sim:levels, 6,000 rows, seed 2, 4 × (1000 + 1000)): diag min bulk-ESS 11 and 564 R-hats above 1.01
 * (b_Intercept 1.30); lowrank min bulk-ESS 373, median 1,215, max R-hat 1.017, 26 → 34 s.
 */
import type { ModelSpec } from '../model/spec.js';
import type { MetricChoice, MetricKind } from '../sampler/metric.js';

/** Largest number of parameters for which 'auto' picks the dense metric. */
export const DENSE_AUTO_MAX_DIM = 50;
/**
 * Largest number of parameters for which 'auto' picks the low-rank metric (for an indexed fixed term): its warm-up
 * keeps a slow window of draws and gradients per chain, ~1,000 × d doubles at 1,000 warm-up iterations (160 MB per
 * chain at this cap); above it 'auto' stays diag rather than add gigabytes.
 */
export const LOWRANK_AUTO_MAX_DIM = 20_000;

/** The rule in one line, for `nutmeg fit --help`. */
export const AUTO_METRIC_RULE =
  `auto = dense when the model has no varying terms and at most ${DENSE_AUTO_MAX_DIM} parameters, ` +
  `else lowrank with a categorical fixed effect of many levels (stored as a level index) and at most ${LOWRANK_AUTO_MAX_DIM} parameters, diag otherwise`;

/** The metric to adapt for `spec` when the user asked for `choice`. */
export function chooseMetric(choice: MetricChoice, spec: Pick<ModelSpec, 'terms' | 'dim' | 'fixed'>): MetricKind {
  if (choice !== 'auto') return choice;
  if (spec.terms.length === 0 && spec.dim <= DENSE_AUTO_MAX_DIM) return 'dense';
  return (spec.fixed.indexed?.length ?? 0) > 0 && spec.dim <= LOWRANK_AUTO_MAX_DIM ? 'lowrank' : 'diag';
}
