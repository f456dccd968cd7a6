/**
 * Prior families and their log densities with derivatives. Every density is the full normalised log pdf
 * (constants included), so the log density of a model is defined exactly, not up to a constant.
 *
 *   normal(mu, sigma)          on the real line
 *   student_t(nu, mu, sigma)   on the real line
 *   halfnormal(sigma)          on (0, inf): 2·Normal(x | 0, sigma)
 *   halfstudent_t(nu, sigma)   on (0, inf): 2·StudentT(x | nu, 0, sigma)
 *   exponential(rate)          on (0, inf)
 *   gamma(shape, rate)         on (0, inf): rate^shape x^(shape−1) e^(−rate·x) / Γ(shape) (brms's default for the
 *                              negbinomial and gamma families' shape is gamma(0.01, 0.01))
 */
import { lgamma } from '../numeric/log-gamma.js';
import * as pm from '../numeric/portable-math.js';

export type PriorFamily = 'normal' | 'student_t' | 'halfnormal' | 'halfstudent_t' | 'exponential' | 'gamma';

export interface Prior {
  readonly family: PriorFamily;
  /** Parameters in the order listed above. */
  readonly params: readonly number[];
}

/**
 * The LKJ prior of a correlation matrix, lkj(eta) with eta > 0 (Lewandowski, Kurowicka & Joe 2009; density and
 * constant in src/model/correlation.ts): eta = 1 is uniform over correlation matrices, larger eta pulls towards the
 * identity. The prior of the correlations of `(1 + x | g)` (targets `cor`, `cor_<group>`).
 */
export interface LkjPrior {
  readonly family: 'lkj';
  /** [eta]. */
  readonly params: readonly number[];
}

export const DEFAULT_COR_PRIOR: LkjPrior = { family: 'lkj', params: [1] };

export const POSITIVE_FAMILIES: ReadonlySet<PriorFamily> = new Set(['halfnormal', 'halfstudent_t', 'exponential', 'gamma']);
export const REAL_FAMILIES: ReadonlySet<PriorFamily> = new Set(['normal', 'student_t']);

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);
const LN2 = Math.LN2;

/** The x-free part of the Student t log pdf: log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ) − log σ. */
function studentConstant(nu: number, sigma: number): number {
  return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * pm.log(nu * Math.PI) - pm.log(sigma);
}

/** studentConstant(ν, σ) − ((ν+1)/2)·log1p(u²/ν), u = (x − μ)/σ: the same operations in the same order as one expression. */
function studentLogPdf(x: number, nu: number, mu: number, sigma: number, constant: number): number {
  const u = (x - mu) / sigma;
  return constant - ((nu + 1) / 2) * pm.log1p((u * u) / nu);
}

function studentDlogPdf(x: number, nu: number, mu: number, sigma: number): number {
  const d = x - mu;
  return (-(nu + 1) * d) / (nu * sigma * sigma + d * d);
}

/**
 * The part of priorLogDensity(prior, x) that does not depend on x (logarithms and log-gamma values of the
 * parameters), for a caller that evaluates one prior at many x (a backend, once per chain and gradient): passed back as
 * priorLogDensity's `constant`, it gives the same bits as computing it there, since each family's expression uses it
 * at the place, and in the order of operations, where it computed those terms.
 */
export function priorConstant(prior: Prior): number {
  const p = prior.params;
  switch (prior.family) {
    case 'normal':
      return pm.log(p[1]);
    case 'student_t':
      return studentConstant(p[0], p[2]);
    case 'halfnormal':
      return pm.log(p[0]);
    case 'halfstudent_t':
      return studentConstant(p[0], p[1]);
    case 'exponential':
      return pm.log(p[0]);
    case 'gamma':
      return p[0] * pm.log(p[1]) - lgamma(p[0]);
  }
}

/**
 * Log density of `prior` at x (x > 0 for the positive families; -Infinity outside the support). `constant` is
 * priorConstant(prior), computed here when not given.
 */
export function priorLogDensity(prior: Prior, x: number, constant: number = priorConstant(prior)): number {
  const p = prior.params;
  switch (prior.family) {
    case 'normal': {
      const u = (x - p[0]) / p[1];
      return -0.5 * u * u - constant - LOG_SQRT_2PI;
    }
    case 'student_t':
      return studentLogPdf(x, p[0], p[1], p[2], constant);
    case 'halfnormal': {
      if (!(x > 0)) return -Infinity;
      const u = x / p[0];
      return LN2 - 0.5 * u * u - constant - LOG_SQRT_2PI;
    }
    case 'halfstudent_t':
      if (!(x > 0)) return -Infinity;
      return LN2 + studentLogPdf(x, p[0], 0, p[1], constant);
    case 'exponential':
      if (!(x > 0)) return -Infinity;
      return constant - p[0] * x;
    case 'gamma':
      if (!(x > 0)) return -Infinity;
      return constant + (p[0] - 1) * pm.log(x) - p[1] * x;
  }
}

/** d/dx of priorLogDensity(prior, x). */
export function priorDlogDensity(prior: Prior, x: number): number {
  const p = prior.params;
  switch (prior.family) {
    case 'normal':
      return -(x - p[0]) / (p[1] * p[1]);
    case 'student_t':
      return studentDlogPdf(x, p[0], p[1], p[2]);
    case 'halfnormal':
      return -x / (p[0] * p[0]);
    case 'halfstudent_t':
      return studentDlogPdf(x, p[0], 0, p[1]);
    case 'exponential':
      return -p[0];
    case 'gamma':
      return (p[0] - 1) / x - p[1];
  }
}

/**
 * The prior of a positive parameter x sampled as u = log x: log p(e^u) + u, the density on the u scale with the
 * log-Jacobian |dx/du| = e^u (the sd of every varying term, and later the families' sigma and shape). Meant for
 * the positive families (POSITIVE_FAMILIES). `constant`: priorConstant(prior), as for priorLogDensity.
 */
export function logScalePriorLogDensity(prior: Prior, u: number, constant: number = priorConstant(prior)): number {
  return priorLogDensity(prior, pm.exp(u), constant) + u;
}

/** d/du of logScalePriorLogDensity: p'(x)/p(x) · x + 1 at x = e^u. */
export function logScalePriorDlogDensity(prior: Prior, u: number): number {
  const x = pm.exp(u);
  return priorDlogDensity(prior, x) * x + 1;
}

/**
 * A prior as written on the command line. Parameters are shown to 12 significant digits, which drops the binary
 * noise of a product (a data-scaled 2.5 × 2.031 is 5.077500000000001, shown 5.0775) and keeps every digit a user typed.
 */
export function formatPrior(prior: Prior | LkjPrior): string {
  return `${prior.family}(${prior.params.map((x) => String(Number(x.toPrecision(12)))).join(', ')})`;
}
