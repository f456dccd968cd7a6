/**
 * The warm-up a fit uses when the user does not choose one (`adapt: 'auto'`, the default):
 *
 *   fisher  (src/sampler/adaptation/fisher-adaptation.ts) for a model without varying terms, and for one whose every
 *           varying term has MANY_LEVELS (50) levels or more or is sampled with a signed sd and scaled levels
 *           (src/model/signed-scale.ts, sd-scale 'scaled', the default for non-centered terms with a half-normal or
 *           half-t sd prior);
 *   stan    Stan's windows plus the early metric of the initial buffer (early-metric.ts) otherwise.
 *
 * Why (bench/README.md, "Warm-up: Fisher-divergence adaptation vs the old default", all 64,000 Hillstrom rows, 4 chains,
 * seeds 1–2). The Fisher warm-up spends 0.4–0.7× the gradients per minimum bulk-ESS of the windows on the pooled model
 * (4.4 / 5.7 vs 9.5 / 9.2) and the hierarchical one (non-centered: 47 / 69 vs 79 / 87). On the crossed model, whose
 * 3-level zip-code and channel intercepts are split/centered (src/model/split.ts) and whose sd reaches a neck near 0,
 * its larger steps find the neck more often: at the Stan comparison's target acceptance 0.95
 * (tests/fit/stan-reference.slow.test.ts, seed 20261122) it left 120 divergences and R-hat up to 1.027 against Stan's
 * 1.01 bound, where the windows pass (R-hat ≤ 1.003, 28 divergences). So a model with a centered or split term keeps
 * the windows until a metric that follows that neck (low-rank, or a parameterization without it) is measured. On the
 * non-centered hierarchical model it left 1 divergence on the real data (tests/analyses/hillstrom-real.slow.test.ts,
 * which asks for none; seed 2 of the bench also had 1), so models with any varying term keep the windows for now.
 * Many levels. Both failures above come from a weakly identified sd of a term with 3–7 levels (the neck as it nears
 * 0). A term with 50 levels or more has its sd pinned by the levels (src/model/parameterization.ts, which also judges
 * such a term by its median level), and there the Fisher warm-up pays: on the crossed student × instructor simulator
 * (sim:crossed, both terms split; bench/README.md, "Crossed terms with thousands of levels") it spent 58.6 gradients
 * per minimum bulk-ESS against the windows' 94.9 at 20,000 rows (warm-up 355 iterations, 42k gradients instead of
 * 81k) and 56.7 against 79.2 at 100,000 rows (55k warm-up gradients instead of 121k), with no divergences and
 * population-level R-hat ≤ 1.005.
 * Scaled levels. The divergences above sat in the upper tail of the few-level sd, where the data pin the
 * non-centered z to a width 1/√(1 + sd²·I_k) that the Fisher warm-up's larger steps overshoot; with the levels scaled
 * by that width (src/model/signed-scale.ts) the hierarchical model took 16–19 gradients per minimum bulk-ESS under
 * the Fisher warm-up with no divergences on seeds 20240, 1, 2, 3 (bench/README.md, "Scaled levels"), so such terms
 * join the Fisher warm-up. So do pinned few-level terms, which sd-scale 'scaled' samples non-centered on log sd with
 * scaled levels (src/model/signed-scale.ts): the crossed model's zip-code and channel intercepts, 21.8–25.0 gradients
 * per minimum bulk-ESS, no divergences (bench/README.md, "Crossed: scaled levels on log sd"). A centered or split
 * few-level term (sd-scale signed or log, or an exponential sd prior) still keeps the windows.
 * `--adapt stan` is Stan's windowed adaptation exactly (no early metric), for comparisons with Stan.
 */
import { MANY_LEVELS } from '../model/parameterization.js';
import type { ModelSpec } from '../model/spec.js';
import type { AdaptScheme } from '../sampler/adaptation/warmup.js';
import type { MetricKind } from '../sampler/metric.js';

/** What a user may ask for: a scheme, or 'auto' (chooseAdapt decides from the model). */
export type AdaptChoice = AdaptScheme | 'auto';

export const ADAPT_CHOICES: readonly AdaptChoice[] = ['auto', 'fisher', 'stan'];

/** The rule in one line, for `nutmeg fit --help`. */
export const AUTO_ADAPT_RULE = `auto = fisher for a model without varying terms or whose varying terms all have ${MANY_LEVELS}+ levels or scaled sds (and a diag or dense metric), else stan plus an early metric`;

/** The warm-up for `spec` when the user asked for `choice`, and whether Stan's windows get the early metric. */
export function chooseAdapt(
  choice: AdaptChoice,
  spec: Pick<ModelSpec, 'terms' | 'groups'>,
  metric: MetricKind = 'diag',
): { adapt: AdaptScheme; earlyMetric: boolean } {
  if (choice !== 'auto') return { adapt: choice, earlyMetric: false };
  // the low-rank metric is estimated from the slow windows' draws and gradients (src/sampler/adaptation/lowrank-window.ts)
  if (metric === 'lowrank') return { adapt: 'stan', earlyMetric: true };
  const fisher = spec.terms.every((t) => spec.groups[t.group].levels.length >= MANY_LEVELS || t.levelInformation !== undefined);
  return fisher ? { adapt: 'fisher', earlyMetric: false } : { adapt: 'stan', earlyMetric: true };
}
