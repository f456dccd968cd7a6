/**
 * Centered, non-centered or split, per varying term. All describe the same model; they differ in the geometry the
 * sampler sees. Centered (r_k ~ Normal(0, sd)) samples well when the data pin every level down; non-centered
 * (z_k ~ Normal(0, 1), r_k = sd · z_k) when they do not, and the prior dominates (the funnel). Split
 * (src/model/split.ts) is centered with the levels' mean non-centered: for a term whose covariate is also a fixed
 * effect (a varying intercept beside the fixed intercept) the data pin the levels' deviations from their mean but
 * not the mean itself, which trades off against the fixed effect and is held only by its prior of scale sd/√K.
 * Whenever such a fixed effect exists, split and non-centered terms also fold their levels' mean into it (its
 * coordinate samples b + mean(r); src/model/split.ts), so that direction leaves the likelihood altogether; a folded
 * varying intercept does the same for the fixed columns constant within its levels (group-level predictors), found
 * from the design matrix at build time (src/model/group-level-fold.ts).
 *
 * Default rule. With p̄ = Σ y / Σ trials the overall outcome rate, the Fisher information the likelihood carries
 * about level k's effect r_k (at the overall rate) is
 *     I_k = Σ_{rows i in level k} x_i² · p̄(1 − p̄) · trials_i      (x_i = 1 for an intercept, trials_i = 1 for bernoulli),
 * so the data alone locate r_k to about 1/√I_k. A term with fewer than MANY_LEVELS (50) levels is pinned by the data
 * when, for EVERY level,
 *     (1/√I_k) / s ≤ CENTERED_MAX_RATIO   (= 0.4)
 * where s is the scale of the term's sd prior (sigma of halfnormal / halfstudent_t, 1/rate of exponential), the
 * size of group effect the model expects. A term with MANY_LEVELS levels or more is pinned when its MEDIAN level's
 *     (1/√I_k) / ŝ ≤ MANY_LEVELS_MAX_RATIO   (= 1)
 * where ŝ is the levels' crude sd from the data (src/model/crude-level-sd.ts; the terms of one grouping factor jointly: each level's effect by one Newton step from the
 * crude fit, less the noise 1/I_k, by the method of moments; ŝ = 0 makes the ratio infinite), or s for a family and
 * link without row scores (src/model/family-priors.ts, crudeRowScores).
 * A pinned term is split when a fixed-effect column equals its covariate (all ones for an intercept term), centered
 * otherwise; a term that is not pinned is non-centered. Below MANY_LEVELS a level with no information (no rows, or
 * x = 0 on all its rows) makes the term non-centered.
 *
 * Why the median and 1 for many levels. With few levels the sd is weakly identified and can approach 0, where a
 * centered term is a funnel, so every level must be well inside the data's reach (0.4, below). With K levels the sd
 * is pinned by the levels themselves (its posterior relative sd is about 1/√(2K), ≤ 0.1 from 50 levels), there is no
 * neck to fear, and what decides is the typical level's shrinkage: given the sd, a level's effect is a precision-
 * weighted mix of data and prior, and the centered form mixes better when the data carry more of that weight, the
 * non-centered form when the prior does (Papaspiliopoulos, Roberts & Sköld 2007, "A general framework for the
 * parametrization of hierarchical models", Statistical Science 22(1); in the Gaussian case the shrinkage
 * (1/I_k) / (1/I_k + s²) is below 1/2 exactly when the ratio is below 1). Measured on the crossed student ×
 * instructor simulator (sim:crossed, src/data/simulate/crossed.ts; bench/README.md, "Crossed terms with thousands of
 * levels"): the median ratios are about 0.7 (students) and 0.4 (instructors), the largest 1.04 and 0.49, so the
 * worst-level rule made both non-centered; split, both need about half the gradients per minimum bulk-ESS.
 * Why ŝ and not s for many levels: the shrinkage depends on the sd the levels have, and the prior's scale is only a
 * stand-in for it. With the data-scaled default exponential(1) (s = 1) sim:levels (true sd 0.5, median level's
 * likelihood sd 0.70) read 0.70 → split, yet there the non-centered form needed 92–106 gradients per minimum bulk-ESS
 * against 482–1,216 split (2,000 levels, 2 seeds; bench/README.md, "10⁵ levels end to end"); ŝ ≈ 0.41–0.45 gives
 * ratio 1.6 → non-centered. sim:crossed reads 0.69 (students, ŝ 0.51 for the true 0.6) and 0.68 (instructors, ŝ 0.30
 * for 0.35) → split either way, as measured best there; Hillstrom's terms have fewer than 50 levels (unchanged).
 * Other families (src/model/family-priors.ts, crudeRowInformation) replace p̄(1 − p̄)·trials_i by the family's Fisher
 * information about η per row, −E[∂²/∂η² log p], at a crude fit (η = the link of the mean outcome, auxiliary
 * parameters by moments): 1/σ̂² for gaussian and lognormal, μ̄ for poisson, μ̄/(1 + μ̄/φ̂) for negbinomial, α̂ for gamma.
 *
 * Why 0.4: on the real Hillstrom data (p̄ = 578/64,000, sd prior halfnormal(0.5)) the intercepts by zip_code and by
 * channel reach ratios of at most 0.22 and 0.24 (their smallest levels, Rural with 9,563 rows and Multichannel with
 * 7,762), and Stan's record shows they sample well only centered; the treatment slopes by history_segment reach 0.71
 * (892 e-mailed rows in "7) $1,000 +") and belong non-centered. 0.4 sits between them with a margin of 1.7 either way.
 * Why split for those intercepts: with 3 levels each their sd is weakly identified, and centered the 3-level mean
 * makes a funnel with sd and the fixed intercept (Stan's centered fit of the crossed model: 15 divergences; ours at
 * the default target acceptance: R-hat up to 1.42); split with the fold removes that funnel. What remains is the
 * neck of the zip-code deviations as their sd nears 0 (the levels barely differ): tens of divergences and, on some
 * seeds, R-hat above 1.01 at target acceptance 0.8, none of that at 0.95 (tests/fit/stan-reference.slow.test.ts).
 * With scaled levels (sd-scale 'scaled', the default; src/model/build.ts) a pinned term with fewer than MANY_LEVELS
 * levels and a half-normal or half-t sd prior is sampled non-centered on log sd with its levels scaled by
 * √(1 + sd²·I_k) instead (src/model/signed-scale.ts, "Scaled levels on log sd"): centered in the data's units
 * wherever the sd is not near 0, non-centered near it, so the neck goes; the evidence keeps the rule's choice
 * (ruleChoice) and the notes say why.
 * Why fold the non-centered treatment slopes of the hierarchical model: unfolded, mu_t + sd·mean(z) is what the
 * data see, a curved ridge in (mu_t, sd, z); seed 20261122 gave 23 divergences and R-hat 1.012 for sd, folded 0 and
 * 1.003.
 */
import { UserError } from '../errors.js';
import { pooledSuccessRate } from '../numeric/success-rate.js';
import { crudeLevelSd, jointCrudeLevelSds } from './crude-level-sd.js';
import type { Prior } from './prior.js';
import { sdPriorScale } from './priors-config.js';
import type { Parameterization } from './spec.js';

export const CENTERED_MAX_RATIO = 0.4;

/** From this many levels a term's sd is pinned by the levels themselves and the rule looks at its median level. */
export const MANY_LEVELS = 50;

/** With MANY_LEVELS or more: centered when the median level's likelihood sd is at most this × the sd prior scale. */
export const MANY_LEVELS_MAX_RATIO = 1;

/**
 * Families for which the rule estimates the crude sds of several terms of one grouping factor jointly
 * (src/model/crude-level-sd.ts): those whose information about η per row is the model's own (bernoulli, binomial,
 * poisson). For the others (gaussian, lognormal, negbinomial, gamma) the crude fit takes its noise from the outcome's
 * whole spread (family-priors.ts, crudeRowInformation: σ̂² of y, or a shape by moments), which the level effects
 * inflate, and the joint estimate's intercept at x = 0 (an extrapolation for a slope such as days) multiplies that
 * overestimated noise: on 60 simulated sleepstudy-like subjects (intercept sd 25, days slope sd 6, σ 25, 10 days) it
 * read the intercepts' sd as 0 and made the block non-centered, min bulk-ESS 845 against 3,460 split (seed 1); the
 * one-term estimates keep split there. Measured on bernoulli, 500 levels × 20 rows, `y ~ x + (1 + x | g)`, intercept sd
 * 1 and 0/1-slope sd 0.2: jointly the slope reads 0 and the block is non-centered, min bulk-ESS 142–143 and R-hat ≤
 * 1.02 (seeds 1, 2); one term at a time the slope read the intercepts' spread, the block was split, and split gives
 * min bulk-ESS 8–10 with R-hat 1.34–1.45.
 */
export const JOINT_CRUDE_FAMILIES: readonly string[] = ['bernoulli', 'binomial', 'poisson'];

/** What the rule saw for one term. */
export interface ParameterizationEvidence {
  /** Term label "<group>__<term>". */
  readonly label: string;
  readonly levels: number;
  /** Largest 1/√I_k over the levels (Infinity when a level carries no information). */
  readonly maxLikelihoodSd: number;
  /** Level where that maximum is reached (0-based). */
  readonly worstLevel: number;
  /** Median of 1/√I_k over the levels (Infinity when over half the levels carry no information). */
  readonly medianLikelihoodSd: number;
  readonly priorScale: number;
  /**
   * With MANY_LEVELS levels or more and a family whose row scores are known: the levels' crude sd (crudeLevelSd),
   * which the ratio is taken against in place of priorScale.
   */
  readonly sdEstimate?: number;
  /** Which level the rule judged by: the worst one, or with MANY_LEVELS levels or more the median one. */
  readonly judgedBy: 'worst level' | 'median level';
  /** The judged level's likelihood sd / sdEstimate when there is one, else / priorScale. */
  readonly ratio: number;
  readonly chosen: Parameterization;
  /** What the rule alone chooses. */
  readonly ruleChoice: Parameterization;
  /** 'rule', or the option key that forced the choice. */
  readonly source: string;
}

export interface RuleInput {
  readonly label: string;
  readonly levels: number;
  readonly index: Uint32Array;
  readonly x: Float64Array | null;
  readonly sdPrior: Prior;
  /** The fixed-effect column equal to this term's covariate, or -1 (see sharedFixedColumn). */
  readonly sharedColumn: number;
}

/**
 * The fixed-effect column that equals the term's covariate on every row (the intercept column for an intercept term,
 * x = null; an identical column for a slope), or -1. X is n × p row-major.
 */
export function sharedFixedColumn(x: Float64Array | null, X: Float64Array, p: number, interceptColumn: number): number {
  if (x === null) return interceptColumn;
  const n = x.length;
  for (let j = 0; j < p; j++) {
    let same = true;
    for (let i = 0; i < n && same; i++) same = X[i * p + j] === x[i];
    if (same) return j;
  }
  return -1;
}

/** The information about η per row (per trial) the rule uses: the family's (rowInformation), else p̄(1 − p̄). */
function informationPerRow(y: Float64Array, trials: Float64Array | null, rowInformation?: number): number {
  if (rowInformation !== undefined) return rowInformation;
  const pbar = pooledSuccessRate(y, trials);
  return pbar * (1 - pbar);
}

/**
 * I_k of the rule above for every level k of a term: Σ_{rows i in level k} x_i² · w · trials_i, with w the family's
 * information per row (rowInformation) or, without it, p̄(1 − p̄) of the bernoulli/binomial outcome.
 */
export function levelInformation(
  term: Pick<RuleInput, 'levels' | 'index' | 'x'>,
  y: Float64Array,
  trials: Float64Array | null,
  rowInformation?: number,
): Float64Array {
  const n = y.length;
  const w = informationPerRow(y, trials, rowInformation);
  const info = new Float64Array(term.levels);
  for (let i = 0; i < n; i++) {
    const x = term.x ? term.x[i] : 1;
    info[term.index[i]] += x * x * w * (trials ? trials[i] : 1);
  }
  return info;
}

/**
 * Applies the default rule to one term. `rowScores` (crudeRowScores): with MANY_LEVELS levels or more the median
 * level's likelihood sd is compared with the levels' crude sd (crudeLevelSd) instead of the sd prior's scale.
 */
export function ruleFor(
  term: RuleInput,
  y: Float64Array,
  trials: Float64Array | null,
  rowInformation?: number,
  rowScores?: Float64Array | null,
  jointSdEstimate?: number,
): Omit<ParameterizationEvidence, 'source' | 'ruleChoice'> {
  const info = levelInformation(term, y, trials, rowInformation);
  let worstLevel = 0;
  let maxLikelihoodSd = -Infinity;
  for (let k = 0; k < term.levels; k++) {
    const sd = info[k] > 0 ? 1 / Math.sqrt(info[k]) : Infinity;
    if (sd > maxLikelihoodSd) {
      maxLikelihoodSd = sd;
      worstLevel = k;
    }
  }
  const sds = Float64Array.from(info, (v) => (v > 0 ? 1 / Math.sqrt(v) : Infinity)).sort();
  const half = term.levels >> 1;
  const medianLikelihoodSd = term.levels % 2 === 1 ? sds[half] : (sds[half - 1] + sds[half]) / 2;
  const priorScale = sdPriorScale(term.sdPrior);
  const many = term.levels >= MANY_LEVELS;
  const sdEstimate = !many || !rowScores ? NaN : jointSdEstimate !== undefined ? jointSdEstimate : crudeLevelSd(term, info, rowScores);
  const scale = Number.isNaN(sdEstimate) ? priorScale : sdEstimate;
  // an estimate of 0 (the levels differ no more than their noise): the prior dominates every level → non-centered
  const ratio = scale > 0 ? (many ? medianLikelihoodSd : maxLikelihoodSd) / scale : Infinity;
  const pinned = ratio <= (many ? MANY_LEVELS_MAX_RATIO : CENTERED_MAX_RATIO);
  return {
    label: term.label,
    levels: term.levels,
    maxLikelihoodSd,
    worstLevel,
    medianLikelihoodSd,
    priorScale,
    ...(Number.isNaN(sdEstimate) ? {} : { sdEstimate }),
    judgedBy: many ? 'median level' : 'worst level',
    ratio,
    chosen: pinned ? (term.sharedColumn >= 0 ? 'split' : 'centered') : 'noncentered',
  };
}

function isParameterization(value: unknown): value is Parameterization {
  return value === 'centered' || value === 'noncentered' || value === 'split';
}

/** Parses CLI strings "g=centered" / "g__x=noncentered" into an options record. */
export function parseParameterizationArgs(args: readonly string[]): Record<string, Parameterization> {
  const out: Record<string, Parameterization> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq).trim() : '';
    const value = eq > 0 ? arg.slice(eq + 1).trim().replace('-', '') : '';
    if (key === '' || !isParameterization(value)) {
      throw new UserError(`--param '${arg}': expected <group>=centered|noncentered|split or <group>__<term>=centered|noncentered|split`);
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new UserError(`--param '${arg}': '${key}' is set twice`);
    out[key] = value;
  }
  return out;
}

/**
 * The parameterization of every term: an explicit choice for its label "<group>__<term>", else for its group, else
 * the rule. Unknown keys or values are a UserError listing what is valid.
 */
export function chooseParameterizations(
  terms: readonly (RuleInput & { readonly group: string })[],
  y: Float64Array,
  trials: Float64Array | null,
  forced: Readonly<Record<string, Parameterization>> = {},
  rowInformation?: number,
  rowScores?: Float64Array | null,
  jointCrude = false,
): ParameterizationEvidence[] {
  const valid = [...new Set(terms.flatMap((t) => [t.group, t.label]))];
  for (const [key, value] of Object.entries(forced)) {
    if (!valid.includes(key)) {
      throw new UserError(
        `parameterization '${key}=${value}': the model has no varying term or grouping factor '${key}'; valid: ${valid.join(', ') || '(none)'}`,
      );
    }
    if (!isParameterization(value)) {
      throw new UserError(`parameterization '${key}=${String(value)}': use centered, noncentered or split`);
    }
  }
  const joint = jointCrude ? jointEstimates(terms, y, trials, rowInformation, rowScores) : terms.map(() => undefined);
  return terms.map((t, k) => {
    const evidence = ruleFor(t, y, trials, rowInformation, rowScores, joint[k]);
    const key = [t.label, t.group].find((k) => Object.prototype.hasOwnProperty.call(forced, k));
    const ruleChoice = evidence.chosen;
    return key === undefined ? { ...evidence, ruleChoice, source: 'rule' } : { ...evidence, ruleChoice, chosen: forced[key], source: key };
  });
}

/**
 * Per term, the crude sd estimated jointly with the other terms of its grouping factor (jointCrudeLevelSds) when the
 * factor has MANY_LEVELS levels or more and several terms; undefined otherwise (ruleFor then takes the one-term
 * estimate). Only for families whose information per row has no free parameter (JOINT_CRUDE_FAMILIES).
 */
function jointEstimates(
  terms: readonly (RuleInput & { readonly group: string })[],
  y: Float64Array,
  trials: Float64Array | null,
  rowInformation: number | undefined,
  rowScores: Float64Array | null | undefined,
): (number | undefined)[] {
  const out: (number | undefined)[] = terms.map(() => undefined);
  if (!rowScores) return out;
  const w = informationPerRow(y, trials, rowInformation);
  const rowWeight = trials ? (i: number) => w * trials[i] : () => w;
  for (const group of new Set(terms.map((t) => t.group))) {
    const members = terms.flatMap((t, k) => (t.group === group ? [k] : []));
    const first = terms[members[0]];
    if (members.length < 2 || first.levels < MANY_LEVELS) continue;
    const sds = jointCrudeLevelSds(first.levels, first.index, members.map((k) => terms[k].x), rowWeight, rowScores);
    members.forEach((k, j) => (out[k] = sds[j]));
  }
  return out;
}

/**
 * The parameterization of a correlated block (src/model/spec.ts, CorrelatedBlock) from its terms' evidence: what an
 * option forced (every forced term of the block must agree), else, when the rule pins every term down, split if one
 * of them shares its covariate with a fixed effect (its rule choice is split: the levels' mean vector trades off
 * against the fixed effects, so it is sampled non-centered while the deviations stay centered;
 * src/model/correlated-effects.ts) and centered otherwise, and non-centered when a term is not pinned down.
 * Returns the evidence with `chosen` set to the block's choice on each of its terms.
 */
export function chooseBlockParameterization(
  evidence: readonly ParameterizationEvidence[],
  group: string,
): { readonly chosen: Parameterization; readonly evidence: ParameterizationEvidence[] } {
  const forced = evidence.filter((e) => e.source !== 'rule');
  const values = [...new Set(forced.map((e) => e.chosen))];
  if (values.length > 1) {
    throw new UserError(
      `parameterization: the correlated terms of (… | ${group}) are set to ${values.join(' and ')} (${forced.map((e) => `'${e.source}'`).join(', ')}); they share one parameterization — set it once for the group: ${group}=${values[0]}`,
    );
  }
  const pinned = evidence.every((e) => e.ruleChoice !== 'noncentered');
  const chosen: Parameterization =
    values.length === 1 ? values[0] : !pinned ? 'noncentered' : evidence.some((e) => e.ruleChoice === 'split') ? 'split' : 'centered';
  return { chosen, evidence: evidence.map((e) => ({ ...e, chosen })) };
}

/** One line for the notes: the figures behind the choice. */
export function describeEvidence(e: ParameterizationEvidence, levelNames: readonly string[]): string {
  const many = e.judgedBy === 'median level';
  // (12 significant digits: a data-scaled scale such as 2.5 × 2.031 without its binary noise, as formatPrior shows it)
  const priorScale = Number(e.priorScale.toPrecision(12));
  const against = e.sdEstimate !== undefined ? `the levels' crude sd ${e.sdEstimate.toPrecision(3)} (method of moments)` : `sd prior scale ${priorScale}`;
  // a crude sd of 0 (the levels vary no more than their rows' noise, e.g. one row per level) has no finite ratio
  const times = Number.isFinite(e.ratio) ? `= ${e.ratio.toPrecision(3)} ×` : 'against';
  const figures = many
    ? `median likelihood sd over ${e.levels} levels ${e.medianLikelihoodSd.toPrecision(3)} ${times} ${against}`
    : `largest likelihood sd ${e.maxLikelihoodSd.toPrecision(3)} (level '${levelNames[e.worstLevel] ?? e.worstLevel + 1}') ` +
      `${times} sd prior scale ${priorScale}`;
  const why =
    e.source === 'rule'
      ? (many
          ? `rule: with ${MANY_LEVELS} levels or more, centered when the median level's is ≤ ${MANY_LEVELS_MAX_RATIO}`
          : `rule: centered when ≤ ${CENTERED_MAX_RATIO} for every level`) +
        (e.chosen === 'split' ? ', with the levels\' mean non-centered as a fixed effect shares the covariate' : '')
      : `set by '${e.source}', the rule would choose ${e.ruleChoice}`;
  return `${e.label}: ${e.chosen} — ${figures}; ${why}`;
}
