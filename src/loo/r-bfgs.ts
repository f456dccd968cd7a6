/**
 * The two optimisers R's loo 2.5.1 uses for stacking weights, reproduced so that nutmeg's weights match R's digits:
 *
 * - `variableMetricMinimize`: the variable metric (BFGS) method of Nash, "Compact Numerical Methods for Computers"
 *   (2nd ed., 1990), Algorithm 21 — what R's `optim(method = "BFGS")` runs: inverse-Hessian updates, backtracking by a
 *   factor 0.2 with an Armijo test (1e-4), a reset to the identity when the update would lose positive definiteness
 *   or every 2n gradients, and stopping when a step changes no coordinate or f changes by less than
 *   reltol·(|f| + reltol). R's defaults: maxit 100, reltol √ε.
 * - `barrierMinimize`: R's `constrOptim` adaptive logarithmic barrier for linear constraints ui·θ ≥ ci (Lange 1994):
 *   repeated unconstrained minimisations of f(θ) - μ Σ_r (g_r(θ_old) log g_r(θ) - (ui θ)_r), g = ui θ - ci, until the
 *   barrier objective changes by less than outer_eps·(1e-3 + |R|).
 *
 * Because R stops these early, its stacking weights are not the exact maximiser; nutmeg follows the same steps to
 * reproduce R's numbers as the reference reported beside the maximiser (`stackingWeightsR` / `stackingOptimum` in
 * stacking.ts).
 */
import * as pm from '../numeric/portable-math.js';

export type ValueFn = (x: Float64Array) => number;
export type GradientFn = (x: Float64Array, grad: Float64Array) => void;

export interface VariableMetricOptions {
  readonly maxIterations?: number;
  readonly relTolerance?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  /** Evaluations of fn and of gr (R's `counts`). */
  readonly valueCount: number;
  readonly gradientCount: number;
}

const STEP_REDUCTION = 0.2;
const ACCEPT_TOLERANCE = 1e-4;
const REL_TEST = 10;

export function variableMetricMinimize(
  fn: ValueFn,
  gr: GradientFn,
  start: Float64Array,
  options: VariableMetricOptions = {},
): MinimizeResult {
  const maxit = options.maxIterations ?? 100;
  const reltol = options.relTolerance ?? Math.sqrt(Number.EPSILON);
  const n = start.length;
  const b = Float64Array.from(start);
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  const c = new Float64Array(n);
  const h = new Float64Array(n * n); // inverse Hessian approximation, lower triangle used
  let f = fn(b);
  if (!Number.isFinite(f)) throw new Error('variable metric: initial value is not finite');
  let fmin = f;
  let valueCount = 1;
  let gradCount = 1;
  gr(b, g);
  let iter = 1;
  let lastReset = gradCount;
  let count: number;
  do {
    if (lastReset === gradCount) {
      h.fill(0);
      for (let i = 0; i < n; i++) h[i * n + i] = 1;
    }
    x.set(b);
    c.set(g);
    // search direction t = -H g and its slope along g
    let slope = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= h[i * n + j] * g[j];
      for (let j = i + 1; j < n; j++) s -= h[j * n + i] * g[j];
      t[i] = s;
      slope += s * g[i];
    }
    if (slope < 0) {
      let step = 1;
      let accepted = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = x[i] + step * t[i];
          if (REL_TEST + x[i] === REL_TEST + b[i]) count++;
        }
        if (count < n) {
          f = fn(b);
          valueCount++;
          accepted = Number.isFinite(f) && f <= fmin + slope * step * ACCEPT_TOLERANCE;
          if (!accepted) step *= STEP_REDUCTION;
        }
      } while (!(count === n || accepted));
      const enough = f > -Infinity && Math.abs(f - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = f;
      }
      if (count < n) {
        fmin = f;
        gr(b, g);
        gradCount++;
        iter++;
        let d1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] *= step;
          c[i] = g[i] - c[i];
          d1 += t[i] * c[i];
        }
        if (d1 > 0) {
          let d2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += h[i * n + j] * c[j];
            for (let j = i + 1; j < n; j++) s += h[j * n + i] * c[j];
            x[i] = s;
            d2 += s * c[i];
          }
          d2 = 1 + d2 / d1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) h[i * n + j] += (d2 * t[i] * t[j] - x[i] * t[j] - t[i] * x[j]) / d1;
          }
        } else {
          lastReset = gradCount;
        }
      } else if (lastReset < gradCount) {
        count = 0;
        lastReset = gradCount;
      }
    } else {
      count = 0;
      if (lastReset === gradCount) count = n;
      else lastReset = gradCount;
    }
    if (iter >= maxit) break;
    if (gradCount - lastReset > 2 * n) lastReset = gradCount;
  } while (count !== n || lastReset !== gradCount);
  return { x: b, value: fmin, valueCount, gradientCount: gradCount };
}

export interface BarrierOptions {
  /** Barrier weight μ (R: 1e-4). */
  readonly mu?: number;
  readonly outerIterations?: number;
  readonly outerEps?: number;
}

/**
 * Minimises fn subject to ui·θ ≥ ci (ui: nCon × n row-major), from an interior start, as R's constrOptim with
 * method "BFGS". Returns the last inner minimiser.
 */
export function barrierMinimize(
  fn: ValueFn,
  gr: GradientFn,
  ui: Float64Array,
  ci: Float64Array,
  start: Float64Array,
  options: BarrierOptions = {},
): Float64Array {
  const mu = options.mu ?? 1e-4;
  const outerIterations = options.outerIterations ?? 100;
  const outerEps = options.outerEps ?? 1e-5;
  const n = start.length;
  const nCon = ci.length;
  const uiTheta = new Float64Array(nCon);
  const gOld = new Float64Array(nCon);
  const gNow = new Float64Array(nCon);
  const apply = (theta: Float64Array, out: Float64Array): void => {
    for (let r = 0; r < nCon; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += ui[r * n + j] * theta[j];
      out[r] = s;
    }
  };
  const setOld = (theta: Float64Array): void => {
    apply(theta, gOld);
    for (let r = 0; r < nCon; r++) gOld[r] -= ci[r];
  };
  const barrierValue = (theta: Float64Array): number => {
    apply(theta, uiTheta);
    let bar = 0;
    for (let r = 0; r < nCon; r++) {
      const gi = uiTheta[r] - ci[r];
      if (gi < 0) return NaN;
      bar += gOld[r] * pm.log(gi) - uiTheta[r];
    }
    if (!Number.isFinite(bar)) bar = -Infinity;
    return fn(theta) - mu * bar;
  };
  const barrierGradient = (theta: Float64Array, grad: Float64Array): void => {
    apply(theta, gNow);
    gr(theta, grad);
    for (let j = 0; j < n; j++) {
      let dbar = 0;
      for (let r = 0; r < nCon; r++) dbar += ui[r * n + j] * (gOld[r] / (gNow[r] - ci[r])) - ui[r * n + j];
      grad[j] -= mu * dbar;
    }
  };
  apply(start, uiTheta);
  for (let r = 0; r < nCon; r++) {
    if (uiTheta[r] - ci[r] <= 0) throw new Error('barrier: initial value is not in the interior of the feasible region');
  }
  let theta: Float64Array = Float64Array.from(start);
  let obj = fn(theta);
  setOld(theta);
  let r = barrierValue(theta);
  let par: Float64Array = theta;
  for (let i = 0; i < outerIterations; i++) {
    const objOld = obj;
    const rOld = r;
    setOld(theta); // θ_old ← θ: the barrier is re-centred at the start of each outer iteration
    const inner = variableMetricMinimize(barrierValue, barrierGradient, theta);
    r = inner.value;
    par = inner.x;
    if (Number.isFinite(r) && Number.isFinite(rOld) && Math.abs(r - rOld) < (1e-3 + Math.abs(r)) * outerEps) break;
    theta = inner.x;
    obj = fn(theta);
    if (Math.sign(mu) * obj > Math.sign(mu) * objOld) break;
  }
  return par;
}
