/**
 * Revenue, not just conversion: the spend part of the Hillstrom analysis. A spend model on the converters' `spend`
 * (rows with conversion = 1 and spend > 0), fitted as lognormal and as gamma (log link) with the hierarchical
 * conversion model's terms, the family chosen by PSIS-LOO (both are densities of spend itself, so their elpd compare).
 * Per history segment and posterior draw, at the segment's average covariates over all its customers (as the
 * conversion uplift is): E[spend | converted, arm] of the chosen model, P(convert | arm) of the hierarchical
 * conversion model, and expected revenue per contact = their product (src/decision/revenue.ts), with the decision
 * to e-mail the segment when the expected revenue uplift exceeds the cost per contact.
 */
import type { Frame } from '../data/frame.js';
import { frameRows } from '../data/frame-build.js';
import { summarizeQuantity, type DrawSummary } from '../decision/draw-summary.js';
import { segmentEtaDraws, type SegmentEffectDraws, type Segmentation } from '../decision/effects.js';
import { netGainDecision, type NetGainDecision } from '../decision/policy.js';
import { expectedSpend, revenueDraws, summarizeRevenue, SPEND_FAMILIES, type RevenueSummary, type SpendFamily } from '../decision/revenue.js';
import { variableDraws, variableIndex } from '../draws.js';
import { UserError } from '../errors.js';
import { fitModel, type Fit, type FitOptions } from '../fit/fit.js';
import { compareModels, type CompareRow } from '../loo/compare.js';
import { kernelsSupportFamily } from '../model/families/index.js';
import { applyRecipe, NEW_LEVEL, type DesignRecipe } from '../model/recipe.js';
import type { ModelSpec } from '../model/spec.js';
import { fitDiagnostics, type FitDiagnostics } from './fit-diagnostics.js';
import { fitFigures, type FitFigures } from './fit-figures.js';

/** The spend model: the hierarchical conversion model's terms, on the converters' spend. */
export const SPEND_FORMULA = 'spend ~ treatment + recency_z + history_z + mens + womens + newbie + (0 + treatment | history_segment)';
const TREATMENT = 'treatment';

export interface SpendFitResult {
  readonly family: SpendFamily;
  readonly diagnostics: FitDiagnostics;
  readonly figures: FitFigures;
}

export interface SegmentRevenue {
  readonly segment: string;
  /** E[spend | converted] without and with the e-mail (the chosen spend model). */
  readonly spendControl: DrawSummary;
  readonly spendTreated: DrawSummary;
  /** Expected revenue per contact in each arm, and the uplift. */
  readonly revenue: RevenueSummary;
  /** E[revenue uplift] − cost per contact, P(revenue uplift > cost). */
  readonly decision: NetGainDecision;
}

export interface RevenueResult {
  readonly formula: string;
  /** Rows the spend models were fitted to (converters with spend > 0). */
  readonly converters: number;
  /** Converters whose spend is 0 or less (left out of the spend models). */
  readonly convertersWithoutSpend: number;
  /** In SPEND_FAMILIES order. */
  readonly fits: readonly SpendFitResult[];
  /** lognormal vs gamma by PSIS-LOO, best first: elpd_diff and se_diff of the other against the chosen. */
  readonly comparison: readonly CompareRow[];
  readonly chosen: SpendFamily;
  readonly costPerContact: number;
  readonly segments: readonly SegmentRevenue[];
}

export interface RevenueOptions {
  /** Fit settings of the analysis; the backend choice is kept where the family's kernels exist, else 'auto'. */
  readonly fit?: Omit<FitOptions, 'family' | 'onProgress'>;
  readonly onProgress?: (family: SpendFamily, progress: Parameters<NonNullable<FitOptions['onProgress']>>[0]) => void;
  readonly onFit?: (family: SpendFamily, fit: Fit) => void | Promise<void>;
  readonly costPerContact?: number;
}

/** The converters with spend > 0, and how many converters had no spend. */
export function converterRows(frame: Frame): { frame: Frame; withoutSpend: number } {
  const conversion = frame.columns.get('conversion');
  const spend = frame.columns.get('spend');
  if (conversion?.kind !== 'numeric' || spend?.kind !== 'numeric') {
    throw new UserError(`${frame.source}: the revenue analysis needs numeric columns "conversion" and "spend"`);
  }
  const rows: number[] = [];
  let withoutSpend = 0;
  for (let i = 0; i < frame.nRows; i++) {
    if (conversion.values[i] !== 1) continue;
    if (spend.values[i] > 0) rows.push(i);
    else withoutSpend++;
  }
  if (rows.length === 0) throw new UserError(`${frame.source}: no converter has spend > 0; the spend model has no rows to fit`);
  return { frame: frameRows(frame, Uint32Array.from(rows), `${frame.source} (converters)`), withoutSpend };
}

/**
 * The spend model's spec with its design rebuilt on `frame` (all customers) by its recipe, so that segment averages
 * are over every customer of the segment; only the design (X, group indices, covariates) is read from it.
 */
export function specOnFrame(spec: ModelSpec, recipe: DesignRecipe, frame: Frame): ModelSpec {
  const d = applyRecipe(recipe, frame);
  d.groupIndex.forEach((index, k) => {
    if (index.includes(NEW_LEVEL)) throw new Error(`specOnFrame: grouping factor ${spec.groups[k].name} has a level the spend model does not`);
  });
  return {
    ...spec,
    n: frame.nRows,
    fixed: { ...spec.fixed, X: d.X },
    groups: spec.groups.map((g, k) => ({ ...g, index: d.groupIndex[k] })),
    terms: spec.terms.map((t, k) => ({ ...t, x: d.x[k] })),
    offset: d.offset,
  };
}

/** E[spend | converted] without and with the e-mail, per segment and draw, at each segment's average covariates. */
export function segmentSpendDraws(fit: Fit, family: SpendFamily, frame: Frame, segments: Segmentation): { control: Float64Array; treated: Float64Array }[] {
  const spec = specOnFrame(fit.model.spec, fit.model.recipe, frame);
  const sigma = family === 'lognormal' ? variableDraws(fit.draws, variableIndex(fit.draws, 'sigma')) : null;
  return segmentEtaDraws(spec, fit.draws, TREATMENT, segments).map((eta) => ({
    control: expectedSpend(family, eta.control, sigma),
    treated: expectedSpend(family, eta.treated, sigma),
  }));
}

/**
 * Fits both spend models, chooses by PSIS-LOO, and pairs the chosen model's draws with the conversion model's
 * (`conversion`: per segment P(convert) draws without and with the e-mail, chain-major nChains × nDraws).
 */
export async function analyzeRevenue(
  frame: Frame,
  segments: Segmentation,
  conversion: readonly SegmentEffectDraws[],
  options: RevenueOptions = {},
): Promise<RevenueResult> {
  const converters = converterRows(frame);
  const cost = options.costPerContact ?? 0;
  const fits: SpendFitResult[] = [];
  const spend = new Map<SpendFamily, { control: Float64Array; treated: Float64Array }[]>();
  let shape = { nChains: 0, nDraws: 0 };
  for (const family of SPEND_FAMILIES) {
    const chosen = options.fit?.backend;
    const backend = chosen === 'native' || chosen === 'webgpu' ? (kernelsSupportFamily(chosen, family) ? chosen : 'auto') : chosen;
    const fit = await fitModel(converters.frame, SPEND_FORMULA, {
      ...options.fit,
      backend,
      family,
      onProgress: options.onProgress ? (p) => options.onProgress!(family, p) : undefined,
    });
    try {
      fits.push({ family, diagnostics: fitDiagnostics(fit), figures: await fitFigures(fit) });
      spend.set(family, segmentSpendDraws(fit, family, frame, segments));
      shape = { nChains: fit.draws.nChains, nDraws: fit.draws.nDraws };
      if (options.onFit) await options.onFit(family, fit);
    } finally {
      await fit.dispose();
    }
  }
  const comparison = compareModels(
    fits.map((f) => ({ name: f.family, loo: f.figures.loo })),
    { method: 'stacking' },
  ).rows;
  const chosen = comparison[0].model as SpendFamily;
  const chosenSpend = spend.get(chosen)!;
  const segmentsOut = conversion.map((c, k): SegmentRevenue => {
    const draws = revenueDraws(c.pControl, c.pTreated, chosenSpend[k].control, chosenSpend[k].treated);
    return {
      segment: c.segment,
      spendControl: summarizeQuantity(chosenSpend[k].control, shape.nChains, shape.nDraws),
      spendTreated: summarizeQuantity(chosenSpend[k].treated, shape.nChains, shape.nDraws),
      revenue: summarizeRevenue(draws, shape.nChains, shape.nDraws),
      decision: netGainDecision(draws.uplift, 1, cost),
    };
  });
  return {
    formula: SPEND_FORMULA,
    converters: converters.frame.nRows,
    convertersWithoutSpend: converters.withoutSpend,
    fits,
    comparison,
    chosen,
    costPerContact: cost,
    segments: segmentsOut,
  };
}
