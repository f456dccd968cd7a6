/**
 * L-BFGS minimisation (Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithm 7.4 two-loop recursion and
 * Algorithm 7.5), with a backtracking line search that enforces the Armijo condition and skips curvature pairs with
 * s·y ≤ 0 so the implicit Hessian stays positive definite. The objective is asynchronous because backends are.
 */
export type Objective = (x: Float64Array, grad: Float64Array) => Promise<number>;

export interface LbfgsOptions {
  /** History length m. */
  readonly memory?: number;
  readonly maxIterations?: number;
  /** Stop when max |grad| < gradTolerance. */
  readonly gradTolerance?: number;
  /** Stop when the relative decrease of f stays below this for three iterations in a row. */
  readonly relTolerance?: number;
  /**
   * Called with the starting point and then after every accepted step (x, ∇f(x), f(x); views valid during the call
   * only), e.g. to follow the optimisation path (Pathfinder, src/sampler/pathfinder/).
   */
  readonly onIterate?: (x: Float64Array, grad: Float64Array, value: number) => void | Promise<void>;
  /** Asked after every accepted step (after onIterate): true ends the optimisation there (reason 'stopped'). */
  readonly stop?: () => boolean;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: 'gradient' | 'relative change' | 'max iterations' | 'line search failed' | 'stopped';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export async function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): Promise<LbfgsResult> {
  const m = options.memory ?? 8;
  const maxIterations = options.maxIterations ?? 1000;
  const gradTol = options.gradTolerance ?? 1e-8;
  const relTol = options.relTolerance ?? 1e-15;
  const n = x0.length;
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0; // next slot to write

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const d = new Float64Array(n);
  let evaluations = 1;
  let fx = await f(x, g);
  if (!Number.isFinite(fx)) throw new Error('L-BFGS: objective is not finite at the starting point');
  await options.onIterate?.(x, g, fx);

  let iterations = 0;
  let stalls = 0; // consecutive iterations with a negligible decrease
  let reason: LbfgsResult['reason'] = 'max iterations';
  while (iterations < maxIterations) {
    if (maxAbs(g) < gradTol) {
      reason = 'gradient';
      break;
    }
    // two-loop recursion: d = −H g
    d.set(g);
    for (let k = 0; k < stored; k++) {
      const i = (head - 1 - k + m) % m;
      alpha[i] = rho[i] * dot(S[i], d);
      for (let j = 0; j < n; j++) d[j] -= alpha[i] * Y[i][j];
    }
    if (stored > 0) {
      const last = (head - 1 + m) % m;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let j = 0; j < n; j++) d[j] *= gamma;
    } else {
      const scale = 1 / Math.max(1, maxAbs(g));
      for (let j = 0; j < n; j++) d[j] *= scale;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const i = (head - 1 - k + m) % m;
      const beta = rho[i] * dot(Y[i], d);
      for (let j = 0; j < n; j++) d[j] += (alpha[i] - beta) * S[i][j];
    }
    for (let j = 0; j < n; j++) d[j] = -d[j];
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      stored = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j] / Math.max(1, maxAbs(g));
      slope = dot(g, d);
    }

    // backtracking line search with the Armijo condition
    let step = 1;
    let fNew = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j] + step * d[j];
      fNew = await f(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      reason = 'line search failed';
      break;
    }
    iterations++;

    const s = S[head];
    const y = Y[head];
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j] - x[j];
      y[j] = gNew[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    const decrease = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    await options.onIterate?.(x, g, fx);
    if (options.stop?.() === true) {
      reason = 'stopped';
      break;
    }
    stalls = decrease <= relTol * Math.max(1, Math.abs(fx)) ? stalls + 1 : 0;
    if (stalls >= 3) {
      reason = 'relative change';
      break;
    }
  }
  return {
    x,
    value: fx,
    gradient: g,
    iterations,
    evaluations,
    converged: reason === 'gradient' || reason === 'relative change',
    reason,
  };
}
