/**
 * Model comparison by PSIS-LOO, as R's loo 2.5.1 `loo_compare`: models ranked by elpd_loo (best first, ties kept in
 * the given order); for each, elpd_diff = Σ_i (elpd_loo_i(model) - elpd_loo_i(best)) and the paired
 * se_diff = √N · sd_i(elpd_loo_i(model) - elpd_loo_i(best)); plus model weights by the chosen method. Stacking
 * weights are the exact maximiser of the stacking objective, with R loo 2.5.1's (earlier-stopping) weights beside them.
 */
import { UserError } from '../errors.js';
import type { LooResult } from './loo.js';
import { stackingWithReference } from './stacking.js';
import { pseudoBmaPlusWeights, pseudoBmaWeights } from './weights.js';

export interface NamedLoo {
  readonly name: string;
  readonly loo: LooResult;
}

export type WeightMethod = 'stacking' | 'pseudobma' | 'bb-pseudobma';

export const WEIGHT_METHODS: readonly WeightMethod[] = ['stacking', 'pseudobma', 'bb-pseudobma'];

export interface CompareOptions {
  /** Default 'stacking' (as loo_model_weights). */
  readonly method?: WeightMethod;
  /** Seed of the Bayesian bootstrap (bb-pseudobma). Default 1. */
  readonly seed?: number;
}

export interface CompareRow {
  readonly model: string;
  readonly elpdLoo: number;
  readonly seElpdLoo: number;
  readonly elpdDiff: number;
  readonly seDiff: number;
  readonly pLoo: number;
  readonly sePLoo: number;
  readonly looic: number;
  readonly seLooic: number;
  /** The model's weight by the chosen method (for stacking: the exact maximiser of the stacking objective). */
  readonly weight: number;
  /**
   * Stacking only: the weight R's loo 2.5.1 `stacking_weights` gives (its constrOptim stops before the maximum); null
   * for the other methods or when R's optimiser could not run.
   */
  readonly weightR: number | null;
}

/** How the stacking weights were found, and how R loo 2.5.1's compare. */
export interface StackingSummary {
  /** Σ_i log Σ_k w_k exp(elpd_loo_ik) at the reported weights. */
  readonly objective: number;
  /** The same at R's weights; null when R's optimiser could not run. */
  readonly objectiveR: number | null;
  /** max_k |weight_k - weightR_k|; null when R's optimiser could not run. */
  readonly maxWeightDifference: number | null;
  /** The reported weights' distance from the KKT conditions (relative; see StackingOptimum). */
  readonly kktResidual: number;
  /** An upper bound on how far the objective at the reported weights is below the maximum. */
  readonly gapBound: number;
  readonly converged: boolean;
}

export interface Comparison {
  /** Best model first. */
  readonly rows: CompareRow[];
  readonly method: WeightMethod;
  /** Present for method 'stacking'. */
  readonly stacking: StackingSummary | null;
}

/** Ranks the models (at least two, all with the same observations) and weighs them. */
export function compareModels(models: readonly NamedLoo[], options: CompareOptions = {}): Comparison {
  if (models.length < 2) throw new UserError(`compare needs at least two models (got ${models.length})`);
  const n = models[0].loo.nObs;
  for (const m of models) {
    if (m.loo.nObs !== n) {
      throw new UserError(
        `model ${m.name} has ${m.loo.nObs} observations but ${models[0].name} has ${n}; ` +
          'models can only be compared on the same data',
      );
    }
  }
  const lpd = models.map((m) => m.loo.pointwise.elpdLoo);
  const method = options.method ?? 'stacking';
  let weights: Float64Array;
  let weightsR: Float64Array | null = null;
  let stacking: StackingSummary | null = null;
  if (method === 'stacking') {
    const s = stackingWithReference(lpd);
    weights = s.optimum.weights;
    weightsR = s.weightsR;
    stacking = {
      objective: s.optimum.objective,
      objectiveR: weightsR ? s.objectiveR : null,
      maxWeightDifference: weightsR ? s.maxWeightDifference : null,
      kktResidual: s.optimum.kktResidual,
      gapBound: s.optimum.gapBound,
      converged: s.optimum.converged,
    };
  } else {
    weights = method === 'pseudobma' ? pseudoBmaWeights(lpd) : pseudoBmaPlusWeights(lpd, { seed: options.seed ?? 1 });
  }
  const order = models.map((_, k) => k).sort((a, b) => models[b].loo.elpdLoo.estimate - models[a].loo.elpdLoo.estimate);
  const best = lpd[order[0]];
  const diff = new Float64Array(n);
  const rows = order.map((k): CompareRow => {
    const { loo } = models[k];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[i] = lpd[k][i] - best[i];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (diff[i] - mean) ** 2;
    return {
      model: models[k].name,
      elpdLoo: loo.elpdLoo.estimate,
      seElpdLoo: loo.elpdLoo.se,
      elpdDiff: sum,
      seDiff: Math.sqrt(n) * Math.sqrt(ss / (n - 1)),
      pLoo: loo.pLoo.estimate,
      sePLoo: loo.pLoo.se,
      looic: loo.looic.estimate,
      seLooic: loo.looic.se,
      weight: weights[k],
      weightR: weightsR ? weightsR[k] : null,
    };
  });
  return { rows, method, stacking };
}
