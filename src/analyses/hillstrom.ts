/**
 * The reference analysis of the Hillstrom e-mail campaign (shared/seeds/000_*.txt, DESIGN.md), end to end on a
 * frame with the Hillstrom schema plus treatment, recency_z and history_z (loadHillstrom or the simulator):
 * raw conversion by arm and segment; a classical baseline (IRLS maximum likelihood, log loss, ROC-AUC); the prior
 * predictive check; the pooled fit with P(treatment effect > 0) and the posterior predictive check of the overall
 * rate; the hierarchical fit with, per history segment, the naive lift beside the partially pooled effect, the uplift
 * on the probability scale, and the targeting decision; and the revenue part (src/analyses/hillstrom-revenue.ts): a
 * spend model on the converters, lognormal or gamma by PSIS-LOO, expected revenue uplift per segment and the decision
 * on expected revenue per contact against the cost of a contact. The result is plain data (HillstromAnalysis);
 * `toJson` gives the stable JSON form and `reportSections` the tables and plots of the report.
 */
import type { Frame } from '../data/frame.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../data/hillstrom.js';
import { summarizeQuantity, type DrawSummary } from '../decision/draw-summary.js';
import { segmentEffectDraws, summarizeSegmentEffects, type SegmentEffect, type Segmentation } from '../decision/effects.js';
import { fitLogisticIrls } from '../decision/irls.js';
import { calibrationTable, logLoss, rocAuc, type CalibrationBin } from '../decision/metrics.js';
import {
  DEFAULT_THRESHOLDS,
  checkEconomics,
  checkThresholds,
  expectedValueDecision,
  probabilityAction,
  type EconomicInputs,
  type ExpectedValueDecision,
  type ProbabilityAction,
  type ProbabilityThresholds,
} from '../decision/policy.js';
import { posteriorPredictiveRate, type PosteriorPredictiveRate } from '../decision/ppc.js';
import { priorPredictive, type PriorPredictive } from '../decision/prior-predictive.js';
import { rawRatesOfFrame, type RawRates } from '../decision/raw-rates.js';
import { variableIndex, variableDraws } from '../draws.js';
import { UserError } from '../errors.js';
import { fitModel, type Fit, type FitOptions } from '../fit/fit.js';
import { compareModels, type CompareRow } from '../loo/compare.js';
import { buildModel } from '../model/build.js';
import { fitDiagnostics, type FitDiagnostics } from './fit-diagnostics.js';
import { analyzeRevenue, type RevenueResult } from './hillstrom-revenue.js';
import type { SpendFamily } from '../decision/revenue.js';
import { fitFigures, type FitFigures } from './fit-figures.js';
import { posteriorMeanProbability } from './row-probability.js';

/** The classical baseline of the notebook: all pre-treatment features, the categorical ones as dummies. */
export const BASELINE_FORMULA = `${HILLSTROM_FORMULAS.pooled} + zip_code + channel + history_segment`;
export const TREATMENT = 'treatment';
export const SEGMENT = 'history_segment';

export type FitSettings = Pick<
  FitOptions,
  'backend' | 'adapter' | 'threads' | 'chains' | 'warmup' | 'draws' | 'seed' | 'targetAccept' | 'maxTreeDepth' | 'log'
>;

export interface HillstromOptions {
  readonly fit?: FitSettings;
  /** Progress callback for each fit's sampler, by model name. */
  readonly onProgress?: (model: HillstromFitName, progress: Parameters<NonNullable<FitOptions['onProgress']>>[0]) => void;
  /** Called with each fit before it is released (e.g. to write it to a run directory). */
  readonly onFit?: (model: HillstromFitName, fit: Fit) => void | Promise<void>;
  /** One line per step, for a progress log. */
  readonly onStep?: (line: string) => void;
  readonly thresholds?: ProbabilityThresholds;
  readonly economics?: EconomicInputs;
  /** Cost of one contact for the revenue decision (default: economics.costPerContact, else 0). */
  readonly costPerContact?: number;
  /** Where the data came from, for the report: e.g. the file path or "simulated (seed 1)". */
  readonly dataDescription?: string;
  /** Prior predictive draws (default 500) and posterior predictive draws (default 1000). */
  readonly priorDraws?: number;
  readonly ppcDraws?: number;
}

export type HillstromFitName = 'pooled' | 'hierarchical' | `spend-${SpendFamily}`;

export interface BaselineResult {
  readonly formula: string;
  readonly coefficients: readonly { readonly name: string; readonly estimate: number; readonly se: number }[];
  readonly logLoss: number;
  readonly auc: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly separation: boolean;
}

export interface PooledResult {
  readonly formula: string;
  /** b_treatment on the log-odds scale. */
  readonly effect: DrawSummary;
  readonly ppc: PosteriorPredictiveRate;
  readonly diagnostics: FitDiagnostics;
  /** Main parameters' draws and PSIS-LOO, for the report. */
  readonly figures: FitFigures;
}

export interface SegmentDecision {
  readonly segment: string;
  readonly nControl: number;
  readonly nTreated: number;
  readonly rawLift: number;
  readonly effect: DrawSummary;
  readonly uplift: DrawSummary;
  readonly pControlMean: number;
  readonly pTreatedMean: number;
  readonly action: ProbabilityAction;
  /** Present when value per conversion and cost per contact were given. */
  readonly expectedValue: ExpectedValueDecision | null;
}

export interface HierarchicalResult {
  readonly formula: string;
  /** sd of the segment treatment effects. */
  readonly sd: DrawSummary;
  readonly segments: readonly SegmentEffect[];
  readonly diagnostics: FitDiagnostics;
  readonly figures: FitFigures;
  /** Deciles of the posterior mean conversion probability of each row against its observed conversion. */
  readonly calibration: readonly CalibrationBin[];
}

export interface HillstromAnalysis {
  readonly data: { readonly description: string; readonly rows: number };
  readonly rawRates: RawRates;
  readonly baseline: BaselineResult;
  readonly priorPredictive: PriorPredictive;
  readonly pooled: PooledResult;
  readonly hierarchical: HierarchicalResult;
  readonly thresholds: ProbabilityThresholds;
  readonly economics: EconomicInputs | null;
  readonly decisions: readonly SegmentDecision[];
  /** Pooled vs hierarchical by PSIS-LOO (best first), with stacking weights. */
  readonly comparison: readonly CompareRow[];
  /** Spend models, expected revenue per segment and the revenue decision. */
  readonly revenue: RevenueResult;
}

function segmentation(frame: Frame): Segmentation {
  const column = frame.columns.get(SEGMENT);
  if (column?.kind !== 'categorical') {
    throw new UserError(`${frame.source}: needs a categorical column "${SEGMENT}" to break the analysis down by segment`);
  }
  return { name: SEGMENT, codes: column.codes, levels: column.levels };
}

export function classicalBaseline(frame: Frame, formula: string = BASELINE_FORMULA): BaselineResult {
  const { spec } = buildModel(frame, formula);
  const names = spec.fixed.names;
  const fit = fitLogisticIrls(spec.fixed.X, spec.y, names.length, { names });
  return {
    formula,
    coefficients: names.map((name, j) => ({ name, estimate: fit.coefficients[j], se: fit.standardErrors[j] })),
    logLoss: logLoss(spec.y, fit.fitted),
    auc: rocAuc(spec.y, fit.fitted),
    converged: fit.converged,
    iterations: fit.iterations,
    separation: fit.separation,
  };
}

async function withFit<T>(
  frame: Frame,
  name: 'pooled' | 'hierarchical',
  options: HillstromOptions,
  use: (fit: Fit) => T | Promise<T>,
): Promise<T> {
  const fit = await fitModel(frame, HILLSTROM_FORMULAS[name], {
    ...options.fit,
    priors: HILLSTROM_PRIORS[name],
    onProgress: options.onProgress ? (p) => options.onProgress!(name, p) : undefined,
  });
  try {
    const result = await use(fit);
    if (options.onFit) await options.onFit(name, fit);
    return result;
  } finally {
    await fit.dispose();
  }
}

function drawsSummary(fit: Fit, name: string): DrawSummary {
  const v = variableIndex(fit.draws, name);
  return summarizeQuantity(variableDraws(fit.draws, v), fit.draws.nChains, fit.draws.nDraws);
}

export async function analyzeHillstrom(frame: Frame, options: HillstromOptions = {}): Promise<HillstromAnalysis> {
  const step = options.onStep ?? (() => {});
  const thresholds = checkThresholds(options.thresholds ?? DEFAULT_THRESHOLDS);
  const economics = options.economics ? checkEconomics(options.economics) : null;
  const seed = options.fit?.seed ?? 1;
  const segments = segmentation(frame);

  step('raw conversion by arm and segment');
  const rawRates = rawRatesOfFrame(frame, { treatment: TREATMENT, outcome: 'conversion', segment: SEGMENT });
  step('classical baseline (maximum likelihood, IRLS)');
  const baseline = classicalBaseline(frame);
  step('prior predictive check');
  const prior = priorPredictive(buildModel(frame, HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled }).spec, { draws: options.priorDraws, seed });

  step('pooled model');
  const pooled = await withFit(frame, 'pooled', options, async (fit): Promise<PooledResult> => ({
    formula: HILLSTROM_FORMULAS.pooled,
    effect: drawsSummary(fit, `b_${TREATMENT}`),
    ppc: posteriorPredictiveRate(fit.model.spec, fit.draws, { maxDraws: options.ppcDraws, seed }),
    diagnostics: fitDiagnostics(fit),
    figures: await fitFigures(fit),
  }));

  step('hierarchical model');
  const { hierarchical, decisions, conversionDraws } = await withFit(frame, 'hierarchical', options, async (fit) => {
    const draws = segmentEffectDraws(fit.model.spec, fit.draws, TREATMENT, segments);
    const effects = summarizeSegmentEffects(
      draws,
      Float64Array.from(rawRates.segments, (s) => s.control.n + s.treated.n),
      fit.draws.nChains,
      fit.draws.nDraws,
    );
    const decisions: SegmentDecision[] = effects.map((e, k) => ({
      segment: e.segment,
      nControl: rawRates.segments[k].control.n,
      nTreated: rawRates.segments[k].treated.n,
      rawLift: rawRates.segments[k].rawLift,
      effect: e.effect,
      uplift: e.uplift,
      pControlMean: e.pControlMean,
      pTreatedMean: e.pTreatedMean,
      action: probabilityAction(e.effect.probPositive, thresholds),
      expectedValue: economics ? expectedValueDecision(draws[k].uplift, economics) : null,
    }));
    const hierarchical: HierarchicalResult = {
      formula: HILLSTROM_FORMULAS.hierarchical,
      sd: drawsSummary(fit, `sd_${SEGMENT}__${TREATMENT}`),
      segments: effects,
      diagnostics: fitDiagnostics(fit, ['b_', 'sd_', 'r_']),
      figures: await fitFigures(fit),
      calibration: calibrationTable(fit.model.spec.y, posteriorMeanProbability(fit.model.spec, fit.draws)),
    };
    return { hierarchical, decisions, conversionDraws: draws };
  });

  step('spend models on the converters (lognormal and gamma) and expected revenue');
  const revenue = await analyzeRevenue(frame, segments, conversionDraws, {
    fit: options.fit,
    costPerContact: options.costPerContact ?? economics?.costPerContact ?? 0,
    onProgress: options.onProgress ? (family, p) => options.onProgress!(`spend-${family}`, p) : undefined,
    onFit: options.onFit ? (family, fit) => options.onFit!(`spend-${family}`, fit) : undefined,
  });

  return {
    data: { description: options.dataDescription ?? frame.source, rows: frame.nRows },
    rawRates,
    baseline,
    priorPredictive: prior,
    pooled,
    hierarchical,
    thresholds,
    economics,
    decisions,
    comparison: compareModels(
      [
        { name: 'pooled', loo: pooled.figures.loo },
        { name: 'hierarchical', loo: hierarchical.figures.loo },
      ],
      { method: 'stacking' },
    ).rows,
    revenue,
  };
}

/** The stable JSON form (`nutmeg analyze hillstrom --json`): effects on the log-odds scale, uplift on the probability scale. */
export function toJson(a: HillstromAnalysis): Record<string, unknown> {
  const diag = (d: FitDiagnostics): Record<string, unknown> => ({
    backend: d.backend,
    chains: d.chains,
    draws_per_chain: d.drawsPerChain,
    seconds: d.seconds,
    max_rhat: d.maxRhat,
    min_ess_bulk: d.minEssBulk,
    divergences: d.divergences,
    warnings: d.warnings,
  });
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const looJson = (f: FitFigures): Record<string, unknown> => ({
    elpd_loo: f.loo.elpdLoo.estimate,
    se_elpd_loo: f.loo.elpdLoo.se,
    p_loo: f.loo.pLoo.estimate,
    looic: f.loo.looic.estimate,
    pareto_k: {
      good: f.loo.paretoKTable.good,
      ok: f.loo.paretoKTable.ok,
      bad: f.loo.paretoKTable.bad,
      very_bad: f.loo.paretoKTable.veryBad,
    },
  });
  return {
    data: a.data,
    raw: {
      control: a.rawRates.control,
      treated: a.rawRates.treated,
      raw_lift: a.rawRates.rawLift,
      relative_lift: finite(a.rawRates.relativeLift),
    },
    baseline: {
      formula: a.baseline.formula,
      log_loss: a.baseline.logLoss,
      auc: finite(a.baseline.auc),
      converged: a.baseline.converged,
      separation: a.baseline.separation,
      coefficients: a.baseline.coefficients.map((c) => ({ name: c.name, estimate: c.estimate, se: finite(c.se) })),
    },
    prior_predictive: {
      draws: a.priorPredictive.draws,
      probability_q05_q25_q50_q75_q95: a.priorPredictive.probabilityQuantiles,
      share_above_0_1: a.priorPredictive.shareAbove10,
      share_above_0_5: a.priorPredictive.shareAbove50,
      mean_rate_q05_q50_q95: a.priorPredictive.meanRateQuantiles,
      observed_rate: a.priorPredictive.observedRate,
    },
    pooled: {
      formula: a.pooled.formula,
      prob_effect_positive: a.pooled.effect.probPositive,
      effect_mean: a.pooled.effect.mean,
      effect_p10: a.pooled.effect.p10,
      effect_p90: a.pooled.effect.p90,
      ppc: {
        observed_rate: a.pooled.ppc.observedRate,
        replicated_mean: a.pooled.ppc.mean,
        replicated_p05: a.pooled.ppc.p05,
        replicated_p95: a.pooled.ppc.p95,
        tail_probability: a.pooled.ppc.tailProbability,
      },
      diagnostics: diag(a.pooled.diagnostics),
      loo: looJson(a.pooled.figures),
    },
    hierarchical: {
      formula: a.hierarchical.formula,
      sd_mean: a.hierarchical.sd.mean,
      sd_p10: a.hierarchical.sd.p10,
      sd_p90: a.hierarchical.sd.p90,
      diagnostics: diag(a.hierarchical.diagnostics),
      loo: looJson(a.hierarchical.figures),
      calibration: a.hierarchical.calibration.map((b) => ({ bin: b.bin, n: b.n, mean_predicted: b.meanPredicted, observed_rate: b.observedRate })),
    },
    comparison: a.comparison.map((r) => ({
      model: r.model,
      elpd_loo: r.elpdLoo,
      se_elpd_loo: r.seElpdLoo,
      elpd_diff: r.elpdDiff,
      se_diff: finite(r.seDiff),
      p_loo: r.pLoo,
      looic: r.looic,
      stacking_weight: r.weight,
      stacking_weight_r: r.weightR,
    })),
    thresholds: { target_prob: a.thresholds.target, test_prob: a.thresholds.test },
    economics: a.economics && { value_per_conversion: a.economics.valuePerConversion, cost_per_contact: a.economics.costPerContact },
    segments: a.decisions.map((d) => ({
      segment: d.segment,
      n_control: d.nControl,
      n_treated: d.nTreated,
      raw_lift: finite(d.rawLift),
      effect_mean: d.effect.mean,
      effect_p10: d.effect.p10,
      effect_p90: d.effect.p90,
      prob_effect_positive: d.effect.probPositive,
      uplift_mean: d.uplift.mean,
      uplift_p10: d.uplift.p10,
      uplift_p90: d.uplift.p90,
      prob_uplift_positive: d.uplift.probPositive,
      p_control_mean: d.pControlMean,
      p_treated_mean: d.pTreatedMean,
      action: d.action,
      ...(d.expectedValue && {
        expected_net_value: d.expectedValue.expectedNetValue,
        prob_pays: d.expectedValue.probPays,
        break_even_uplift: d.expectedValue.breakEvenUplift,
        value_action: d.expectedValue.action,
      }),
    })),
    revenue: revenueJson(a.revenue),
  };
}

function revenueJson(r: RevenueResult): Record<string, unknown> {
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const interval = (d: DrawSummary) => ({ mean: d.mean, p10: d.p10, p90: d.p90 });
  return {
    spend_formula: r.formula,
    converters: r.converters,
    converters_without_spend: r.convertersWithoutSpend,
    chosen_family: r.chosen,
    comparison: r.comparison.map((c) => ({
      family: c.model,
      elpd_loo: c.elpdLoo,
      se_elpd_loo: c.seElpdLoo,
      elpd_diff: c.elpdDiff,
      se_diff: finite(c.seDiff),
      p_loo: c.pLoo,
    })),
    cost_per_contact: r.costPerContact,
    segments: r.segments.map((s) => ({
      segment: s.segment,
      spend_control: interval(s.spendControl),
      spend_treated: interval(s.spendTreated),
      revenue_control: interval(s.revenue.control),
      revenue_treated: interval(s.revenue.treated),
      revenue_uplift: { ...interval(s.revenue.uplift), prob_positive: s.revenue.uplift.probPositive },
      expected_net_per_contact: s.decision.expectedNetValue,
      prob_pays: s.decision.probPays,
      action: s.decision.action,
    })),
  };
}
