/**
 * `nutmeg mmm` as an API: the weekly table → checked input → design → model → NUTS fit (fitDensityModel) → channel
 * summaries, response curves and, when a budget is given, the optimised split. Orchestration only.
 */
import { fitDensityModel, type DensityFit, type DensityFitOptions } from '../../fit/density-fit.js';
import type { Frame } from '../../data/frame.js';
import { checkBudgetRequest, optimiseBudget, parseBounds, type BudgetAnswer, type BudgetRequest } from './budget.js';
import { buildMmmDesign, DEFAULT_MMM_SETTINGS, type MmmDesign, type MmmSettings } from '../../model/mmm/design.js';
import { channelSummaries, responseCurves, type ChannelSummary, type MmmDraws, type ResponseCurve } from './derived.js';
import type { MmmLiftTest } from '../../model/mmm/lift.js';
import { createMmmModel, type MmmModel } from '../../model/mmm/model.js';
import { mmmInputFromFrame, type MmmColumns } from '../../model/mmm/series.js';

export interface MmmOptions extends MmmColumns {
  readonly settings?: Partial<MmmSettings>;
  readonly fit?: DensityFitOptions;
  /** Total budget over `horizon` weeks to split across channels (absent: no optimisation). */
  readonly budget?: number;
  /** Weeks the budget covers (default 8). */
  readonly horizon?: number;
  /** Per-channel bounds, `tv=0:50000,search=1000:20000` (currency over the horizon). */
  readonly bounds?: string;
  /** Interval level of every reported interval (default 0.9). */
  readonly level?: number;
  /** Lift tests to calibrate the model with (src/model/mmm/lift.ts; liftTestsFromFrame reads them from a table). */
  readonly liftTests?: readonly MmmLiftTest[];
}

export interface MmmResult {
  readonly model: MmmModel;
  readonly design: MmmDesign;
  readonly fit: DensityFit;
  readonly draws: MmmDraws;
  readonly channels: ChannelSummary[];
  readonly curves: ResponseCurve[];
  readonly budget: BudgetAnswer | null;
}

export const DEFAULT_HORIZON = 8;

/** The constrained parameter vectors of a fit's draws, row-major (draws of chain 1, then chain 2, …). */
export function mmmDraws(fit: DensityFit, size: number): MmmDraws {
  const { nChains, nDraws, values } = fit.draws;
  const count = nChains * nDraws;
  const theta = new Float64Array(count * size);
  for (let v = 0; v < size; v++) {
    for (let s = 0; s < count; s++) theta[s * size + v] = values[v * count + s];
  }
  return { count, size, theta };
}

export async function runMmm(frame: Frame, options: MmmOptions): Promise<MmmResult> {
  const input = mmmInputFromFrame(frame, options);
  const settings = { ...DEFAULT_MMM_SETTINGS, ...options.settings };
  const design = buildMmmDesign(input, settings);
  const model = createMmmModel(design, options.liftTests ?? []);
  const horizon = options.horizon ?? DEFAULT_HORIZON;
  const request: BudgetRequest | null =
    options.budget === undefined ? null : { total: options.budget, horizon, ...parseBounds(options.bounds, design.channels, options.budget) };
  if (request !== null) checkBudgetRequest(request);
  const fit = await fitDensityModel(model, options.fit);
  const draws = mmmDraws(fit, model.layout.size);
  const level = options.level ?? 0.9;
  const channels = channelSummaries(design, model.layout, draws, level);
  const curves = responseCurves(design, model.layout, draws, undefined, level);
  const budget: BudgetAnswer | null = request === null ? null : optimiseBudget(design, model.layout, draws, request);
  return { model, design, fit, draws, channels, curves, budget };
}
