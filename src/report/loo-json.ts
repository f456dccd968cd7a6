/**
 * The JSON shapes of `nutmeg loo --json` and `nutmeg compare --json`. Non-finite numbers become null.
 */
import type { Comparison, WeightMethod } from '../loo/compare.js';
import type { LooResult } from '../loo/loo.js';

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface LooPointwiseJson {
  elpd_loo: number | null;
  mcse_elpd_loo: number | null;
  p_loo: number | null;
  looic: number | null;
  pareto_k: number | null;
  r_eff: number | null;
  n_eff: number | null;
}

export interface LooJson {
  elpd_loo: number | null;
  se_elpd_loo: number | null;
  p_loo: number | null;
  se_p_loo: number | null;
  looic: number | null;
  se_looic: number | null;
  mcse_elpd_loo: number | null;
  n_draws: number;
  n_obs: number;
  n_chains: number;
  r_eff: LooResult['rEffSource'];
  pareto_k: (number | null)[];
  pareto_k_table: { good: number; ok: number; bad: number; very_bad: number };
  warnings: string[];
  pointwise: LooPointwiseJson[];
}

export function looToJson(r: LooResult): LooJson {
  const p = r.pointwise;
  return {
    elpd_loo: finiteOrNull(r.elpdLoo.estimate),
    se_elpd_loo: finiteOrNull(r.elpdLoo.se),
    p_loo: finiteOrNull(r.pLoo.estimate),
    se_p_loo: finiteOrNull(r.pLoo.se),
    looic: finiteOrNull(r.looic.estimate),
    se_looic: finiteOrNull(r.looic.se),
    mcse_elpd_loo: finiteOrNull(r.mcseElpdLoo),
    n_draws: r.nDraws,
    n_obs: r.nObs,
    n_chains: r.nChains,
    r_eff: r.rEffSource,
    pareto_k: Array.from(p.paretoK, finiteOrNull),
    pareto_k_table: {
      good: r.paretoKTable.good,
      ok: r.paretoKTable.ok,
      bad: r.paretoKTable.bad,
      very_bad: r.paretoKTable.veryBad,
    },
    warnings: [...r.warnings],
    pointwise: Array.from(p.elpdLoo, (_, i) => ({
      elpd_loo: finiteOrNull(p.elpdLoo[i]),
      mcse_elpd_loo: finiteOrNull(p.mcseElpdLoo[i]),
      p_loo: finiteOrNull(p.pLoo[i]),
      looic: finiteOrNull(p.looic[i]),
      pareto_k: finiteOrNull(p.paretoK[i]),
      r_eff: finiteOrNull(p.rEff[i]),
      n_eff: finiteOrNull(p.nEff[i]),
    })),
  };
}

export interface CompareRowJson {
  model: string;
  elpd_loo: number | null;
  elpd_diff: number | null;
  se_diff: number | null;
  p_loo: number | null;
  /** The weight by the method (stacking: the exact maximiser). */
  weight: number | null;
  /** Stacking only: R loo 2.5.1's stacking_weights. */
  weight_r?: number | null;
}

export interface CompareJson {
  method: WeightMethod;
  /** Best model first. */
  models: CompareRowJson[];
  /** Stacking only (null otherwise): the objective Σ_i log Σ_k w_k exp(elpd_loo_ik) at `weight` and at `weight_r`. */
  stacking: {
    objective: number | null;
    objective_r: number | null;
    max_weight_difference: number | null;
    kkt_residual: number | null;
    converged: boolean;
  } | null;
}

export function compareToJson(c: Comparison): CompareJson {
  const s = c.stacking;
  return {
    method: c.method,
    models: c.rows.map((r) => ({
      model: r.model,
      elpd_loo: finiteOrNull(r.elpdLoo),
      elpd_diff: finiteOrNull(r.elpdDiff),
      se_diff: finiteOrNull(r.seDiff),
      p_loo: finiteOrNull(r.pLoo),
      weight: finiteOrNull(r.weight),
      ...(s ? { weight_r: r.weightR === null ? null : finiteOrNull(r.weightR) } : {}),
    })),
    stacking: s && {
      objective: finiteOrNull(s.objective),
      objective_r: s.objectiveR === null ? null : finiteOrNull(s.objectiveR),
      max_weight_difference: s.maxWeightDifference === null ? null : finiteOrNull(s.maxWeightDifference),
      kkt_residual: finiteOrNull(s.kktResidual),
      converged: s.converged,
    },
  };
}
