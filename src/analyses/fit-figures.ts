/**
 * What an analysis keeps of each fit for its report's pictures after the fit is released: the draws of the main
 * parameters (b_*, sd_* and the family's sigma or shape, at most eight) for the trace and rank plots, and the fit's PSIS-LOO (pointwise elpd for
 * the model comparison, Pareto k for its plot). The plots built from them: src/report/fit-plots.ts; a fit's LOO
 * tables and the comparison table: src/report/loo-tables.ts.
 */
import { variableDraws, type DrawSet } from '../draws.js';
import type { Fit } from '../fit/fit.js';
import { looOfFit } from '../loo/fit-loo.js';
import { AUX_PARAMETER_NAMES } from '../model/families/index.js';
import type { LooResult } from '../loo/loo.js';

/** At most this many variables in the trace and rank plots of one fit. */
export const MAIN_PARAMETERS_SHOWN = 8;

export interface FitFigures {
  /** Draws of the main parameters, in the fit's order (b_*, sd_*, then sigma or shape). */
  readonly chains: DrawSet;
  /** Variables of the fit that would be main parameters (may exceed those in `chains`). */
  readonly mainParameters: number;
  readonly loo: LooResult;
}

/** Whether a variable is a main parameter: a fixed effect b_*, a group sd sd_*, or the family's sigma or shape. */
export function isMainParameter(name: string): boolean {
  return name.startsWith('b_') || name.startsWith('sd_') || AUX_PARAMETER_NAMES.has(name);
}

/** A copy of the draws of the first `max` main parameters (b_*, sd_*, sigma/shape; a new DrawSet of that size). */
export function mainParameterDraws(draws: DrawSet, max: number = MAIN_PARAMETERS_SHOWN): { chains: DrawSet; total: number } {
  const main = draws.names.flatMap((name, v) => (isMainParameter(name) ? [v] : []));
  const kept = main.slice(0, max);
  const size = draws.nChains * draws.nDraws;
  const values = new Float64Array(kept.length * size);
  kept.forEach((v, j) => values.set(variableDraws(draws, v), j * size));
  return {
    chains: { names: kept.map((v) => draws.names[v]), nChains: draws.nChains, nDraws: draws.nDraws, values },
    total: main.length,
  };
}

/** The main parameters' draws and the PSIS-LOO of a fit (its backend computes the pointwise log-likelihood). */
export async function fitFigures(fit: Fit): Promise<FitFigures> {
  const { chains, total } = mainParameterDraws(fit.draws);
  return { chains, mainParameters: total, loo: await looOfFit(fit) };
}
