/**
 * Maximise a smooth f(x) over the budget set {x : Σ x_i = total, lower_i ≤ x_i ≤ upper_i} by projected gradient
 * ascent with an Armijo backtracking search along the projection arc (Bertsekas, "Nonlinear Programming", 2nd ed.,
 * §2.3, the Armijo rule along the projection arc). The Euclidean projection onto the set is exact: x_i =
 * clip(v_i − τ, lower_i, upper_i) with τ found by bisection, since Σ clip(v_i − τ) is non-increasing in τ. For a concave
 * f every fixed point is the maximum; otherwise the caller starts from several points (budget.ts does).
 */

export interface BudgetSet {
  readonly total: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** f(x), with its gradient written to grad. */
export type BudgetObjective = (x: Float64Array, grad: Float64Array) => number;

export interface BudgetMaximum {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Throws (a programming error: callers check the bounds first) when Σ lower > total or Σ upper < total. */
export function projectOntoBudget(v: Float64Array, set: BudgetSet, out: Float64Array): void {
  const n = v.length;
  let lo = Infinity;
  let hi = -Infinity;
  let sumLower = 0;
  let sumUpper = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, v[i] - set.upper[i]);
    hi = Math.max(hi, v[i] - set.lower[i]);
    sumLower += set.lower[i];
    sumUpper += set.upper[i];
  }
  if (sumLower > set.total * (1 + 1e-12) || sumUpper < set.total * (1 - 1e-12)) {
    throw new Error(`projectOntoBudget: bounds sum to [${sumLower}, ${sumUpper}], total ${set.total} outside`);
  }
  const sumAt = (tau: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.min(set.upper[i], Math.max(set.lower[i], v[i] - tau));
    return s;
  };
  // sumAt(lo) = Σ upper ≥ total ≥ Σ lower = sumAt(hi).
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo), Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (sumAt(mid) > set.total) lo = mid;
    else hi = mid;
  }
  const tau = 0.5 * (lo + hi);
  for (let i = 0; i < n; i++) out[i] = Math.min(set.upper[i], Math.max(set.lower[i], v[i] - tau));
  // Put the bisection's last rounding on a coordinate strictly inside its bounds, so Σ x = total exactly.
  let s = 0;
  for (let i = 0; i < n; i++) s += out[i];
  const gap = set.total - s;
  for (let i = 0; i < n && gap !== 0; i++) {
    const moved = Math.min(set.upper[i], Math.max(set.lower[i], out[i] + gap));
    if (moved - out[i] === gap) {
      out[i] = moved;
      break;
    }
  }
}

export interface BudgetOptions {
  readonly maxIterations?: number;
  /** Stop when a step moves no coordinate by more than tolerance · total. */
  readonly tolerance?: number;
}

export function maximizeOnBudget(f: BudgetObjective, start: Float64Array, set: BudgetSet, options: BudgetOptions = {}): BudgetMaximum {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 2000;
  const tolerance = options.tolerance ?? 1e-9;
  const x = new Float64Array(n);
  projectOntoBudget(start, set, x);
  const grad = new Float64Array(n);
  const trialGrad = new Float64Array(n);
  const v = new Float64Array(n);
  const trial = new Float64Array(n);
  let value = f(x, grad);
  let gmax = 0;
  for (let i = 0; i < n; i++) gmax = Math.max(gmax, Math.abs(grad[i]));
  // First step length: one that would move the steepest coordinate by a tenth of the budget.
  let step = gmax > 0 ? (0.1 * set.total) / gmax : 1;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    let accepted = false;
    let moved = 0;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let i = 0; i < n; i++) v[i] = x[i] + step * grad[i];
      projectOntoBudget(v, set, trial);
      let ascent = 0;
      moved = 0;
      for (let i = 0; i < n; i++) {
        ascent += grad[i] * (trial[i] - x[i]);
        moved = Math.max(moved, Math.abs(trial[i] - x[i]));
      }
      if (moved <= tolerance * set.total) break;
      const trialValue = f(trial, trialGrad);
      if (trialValue >= value + 1e-4 * ascent) {
        x.set(trial);
        grad.set(trialGrad);
        value = trialValue;
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted || moved <= tolerance * set.total) return { x, value, iterations: iteration, converged: true };
    step *= 2;
  }
  return { x, value, iterations: maxIterations, converged: false };
}
