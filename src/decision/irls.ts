/**
 * Maximum-likelihood logistic regression by iteratively reweighted least squares (Newton's method on the Bernoulli
 * log-likelihood; McCullagh & Nelder 1989, section 2.5), with R's `glm` conventions: start from η = logit((y + ½)/2),
 * stop when |dev − dev_old|/(|dev| + 0.1) < 1e-8 or after 25 iterations, halve the step while the deviance rises,
 * and flag "fitted probabilities numerically 0 or 1" (a fitted p within 10·ε of 0 or 1). Under separation the
 * estimates run off towards ±∞ until the deviance stops changing — glm then reports convergence at, typically,
 * |β| ≈ 20 with standard errors in the thousands, often without that warning — so coefficients with |β| > 10 and
 * SE > 10·|β| are reported as diverging too.
 */
import { choleskyLower, choleskySolve } from '../numeric/cholesky.js';
import { sigmoid, softplus } from '../numeric/logistic.js';
import { UserError } from '../errors.js';

export interface IrlsOptions {
  /** Relative deviance change that stops the iterations (R: 1e-8). */
  readonly tolerance?: number;
  /** Iteration limit (R: 25). */
  readonly maxIterations?: number;
  /** Column names, for messages and results (default x1 … xp). */
  readonly names?: readonly string[];
}

export interface IrlsResult {
  readonly names: readonly string[];
  readonly coefficients: Float64Array;
  /** √ diag of the inverse Fisher information (XᵀWX)⁻¹ at the estimate. */
  readonly standardErrors: Float64Array;
  /** p × p covariance (XᵀWX)⁻¹, row-major. */
  readonly covariance: Float64Array;
  /** Fitted probabilities per row. */
  readonly fitted: Float64Array;
  /** −2 · log-likelihood. */
  readonly deviance: number;
  readonly logLik: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Some fitted probability is numerically 0 or 1 (R's glm warning). */
  readonly fittedAtBoundary: boolean;
  /** Names of coefficients running off to ±∞: |β| > 10 with SE > 10·|β|. */
  readonly diverging: readonly string[];
  /** fittedAtBoundary or some diverging coefficient: the data are (quasi-)separated and the MLE does not exist. */
  readonly separation: boolean;
}

const EPSILON = 2.220446049250313e-16;

/** −2 Σ log p(yᵢ | ηᵢ), each term computed through softplus so that no logarithm of 0 is taken. */
function devianceOf(eta: Float64Array, y: ArrayLike<number>): number {
  let dev = 0;
  for (let i = 0; i < eta.length; i++) dev += 2 * (y[i] === 1 ? softplus(-eta[i]) : softplus(eta[i]));
  return dev;
}

/** XᵀWX with W = diag(μ(1 − μ)), and Xᵀ(y − μ), for the current η. */
function normalEquations(
  X: Float64Array,
  n: number,
  p: number,
  eta: Float64Array,
  y: ArrayLike<number>,
  info: Float64Array,
  score: Float64Array,
): void {
  info.fill(0);
  score.fill(0);
  for (let i = 0; i < n; i++) {
    const mu = sigmoid(eta[i]);
    const w = mu * (1 - mu);
    const r = y[i] - mu;
    const row = i * p;
    for (let j = 0; j < p; j++) {
      const xj = X[row + j];
      score[j] += xj * r;
      const wx = w * xj;
      for (let k = 0; k <= j; k++) info[j * p + k] += wx * X[row + k];
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) info[k * p + j] = info[j * p + k];
}

function linearPredictor(X: Float64Array, n: number, p: number, b: Float64Array, eta: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[i * p + j] * b[j];
    eta[i] = s;
  }
}

/**
 * Fits logit P(yᵢ = 1) = xᵢᵀβ by maximum likelihood. X is n × p row-major; y holds 0/1. A design whose columns are
 * linearly dependent is a UserError naming the first redundant column.
 */
export function fitLogisticIrls(X: Float64Array, y: ArrayLike<number>, p: number, options: IrlsOptions = {}): IrlsResult {
  const n = y.length;
  if (X.length !== n * p) throw new Error(`fitLogisticIrls: X has ${X.length} values, expected ${n} × ${p}`);
  const names = options.names ?? Array.from({ length: p }, (_, j) => `x${j + 1}`);
  const tolerance = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 25;
  const info = new Float64Array(p * p);
  const score = new Float64Array(p);
  const b = new Float64Array(p);
  const trial = new Float64Array(p);
  const eta = new Float64Array(n);
  const trialEta = new Float64Array(n);

  // R's start: μ = (y + ½)/2, so η = logit(μ); the first step solves the weighted least squares from there.
  for (let i = 0; i < n; i++) eta[i] = Math.log((y[i] + 0.5) / (1.5 - y[i]));
  let dev = devianceOf(eta, y);
  let iterations = 0;
  let converged = false;
  let first = true;
  while (iterations < maxIterations) {
    iterations++;
    normalEquations(X, n, p, eta, y, info, score);
    // pivots relative to the column's own size: separated data shrink whole columns of XᵀWX towards 0 without
    // making them dependent
    const bad = choleskyLower(info, p, info, 0, 1e-10);
    if (bad >= 0) {
      throw new UserError(
        `logistic regression: design column "${names[bad]}" is a linear combination of the columns before it ` +
          '(or constant); drop it from the model',
      );
    }
    // Newton step δ = (XᵀWX)⁻¹ Xᵀ(y − μ); on the first iteration from the start η, which no β gives, solve for β
    // directly: β = (XᵀWX)⁻¹ XᵀW z with working response z = η + (y − μ)/w.
    if (first) {
      score.fill(0);
      for (let i = 0; i < n; i++) {
        const mu = sigmoid(eta[i]);
        const w = mu * (1 - mu);
        const wz = w * eta[i] + (y[i] - mu);
        for (let j = 0; j < p; j++) score[j] += X[i * p + j] * wz;
      }
      choleskySolve(info, p, score);
      trial.set(score);
    } else {
      choleskySolve(info, p, score);
      for (let j = 0; j < p; j++) trial[j] = b[j] + score[j];
    }
    linearPredictor(X, n, p, trial, trialEta);
    let trialDev = devianceOf(trialEta, y);
    // step halving while the deviance is not finite or rises (glm.fit's inner loops)
    for (let halvings = 0; !first && (!Number.isFinite(trialDev) || trialDev > dev) && halvings < 30; halvings++) {
      for (let j = 0; j < p; j++) trial[j] = (trial[j] + b[j]) / 2;
      linearPredictor(X, n, p, trial, trialEta);
      trialDev = devianceOf(trialEta, y);
    }
    b.set(trial);
    eta.set(trialEta);
    const change = Math.abs(trialDev - dev) / (Math.abs(trialDev) + 0.1);
    dev = trialDev;
    if (!first && change < tolerance) {
      converged = true;
      break;
    }
    first = false;
  }

  normalEquations(X, n, p, eta, y, info, score);
  const covariance = new Float64Array(p * p);
  const standardErrors = new Float64Array(p);
  if (choleskyLower(info, p, info, 0, 1e-10) < 0) {
    const e = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      e.fill(0);
      e[j] = 1;
      choleskySolve(info, p, e);
      for (let k = 0; k < p; k++) covariance[k * p + j] = e[k];
      standardErrors[j] = Math.sqrt(e[j]);
    }
  } else {
    covariance.fill(Infinity);
    standardErrors.fill(Infinity);
  }
  const fitted = new Float64Array(n);
  let fittedAtBoundary = false;
  for (let i = 0; i < n; i++) {
    fitted[i] = sigmoid(eta[i]);
    if (fitted[i] < 10 * EPSILON || fitted[i] > 1 - 10 * EPSILON) fittedAtBoundary = true;
  }
  const diverging = names.filter((_, j) => Math.abs(b[j]) > 10 && standardErrors[j] > 10 * Math.abs(b[j]));
  return {
    names,
    coefficients: b,
    standardErrors,
    covariance,
    fitted,
    deviance: dev,
    logLik: -dev / 2,
    iterations,
    converged,
    fittedAtBoundary,
    diverging,
    separation: fittedAtBoundary || diverging.length > 0,
  };
}
