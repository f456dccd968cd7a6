/**
 * Default priors that depend on the family and the data, and the crude per-row information the parameterization rule
 * uses (src/model/parameterization.ts).
 *
 * bernoulli/binomial keep the reference analysis's defaults (src/model/priors-config.ts: Intercept normal(−3, 1) for
 * a rare conversion, b normal(0, 0.5), sd halfnormal(0.5)). The other families follow brms and rstanarm's
 * autoscaling, with the outcome's centre c and scale s on the link scale:
 *   gaussian      c = mean(y),       s = sd(y)
 *   lognormal     c = mean(log y),   s = sd(log y)
 *   poisson, negbinomial, gamma (log link)   c = log(mean(y)),   s = 1
 * and
 *   Intercept ~ student_t(3, c, 2.5·s)                 (brms: student_t(3, median, 2.5·mad) on the link scale)
 *   b_j       ~ normal(0, 2.5·s / sd(x_j))             (rstanarm's autoscaled default; 2.5·s for a constant column)
 *   sd_*      ~ halfstudent_t(3, 2.5·s)                (brms: student_t(3, 0, 2.5·s), half)
 *   sigma     ~ halfstudent_t(3, 2.5·s)                (brms)
 *   shape     ~ gamma(0.01, 0.01)                      (brms)
 * c, s and the b scales are rounded to 4 significant digits. s falls back to 1 when the outcome is constant; c uses mean(y) ≥ 1/(2n) so an all-zero count outcome has a finite
 * centre.
 */
import { normalQuantile } from '../diagnostics/normal-quantile.js';
import type { LinkName } from './families/family.js';
import { familyModule } from './families/index.js';
import type { Prior } from './prior.js';
import { DEFAULT_B_PRIOR, DEFAULT_INTERCEPT_PRIOR, DEFAULT_SD_PRIOR } from './priors-config.js';
import type { Family } from './spec.js';
import * as pm from '../numeric/portable-math.js';

export interface FamilyDefaults {
  readonly intercept: Prior;
  /** Per fixed column (the intercept column's entry unused). */
  readonly b: readonly Prior[];
  readonly sd: Prior;
  /** Per auxiliary parameter, in FamilyModule.aux order. */
  readonly aux: readonly Prior[];
}

function meanSd(v: ArrayLike<number>): { mean: number; sd: number } {
  const n = v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (v[i] - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

function logOf(y: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = pm.log(y[i]);
  return out;
}

/** Centre and scale of the outcome on the link scale (see the module comment). */
export function outcomeScale(family: Family, y: Float64Array): { center: number; scale: number } {
  const n = y.length;
  const positive = (s: number): number => (s > 0 && Number.isFinite(s) ? s : 1);
  switch (family) {
    case 'gaussian': {
      const m = meanSd(y);
      return { center: m.mean, scale: positive(m.sd) };
    }
    case 'lognormal': {
      const m = meanSd(logOf(y));
      return { center: m.mean, scale: positive(m.sd) };
    }
    case 'poisson':
    case 'negbinomial':
    case 'gamma':
      return { center: pm.log(Math.max(meanSd(y).mean, 1 / (2 * Math.max(n, 1)))), scale: 1 };
    default:
      return { center: 0, scale: 1 };
  }
}

/**
 * Default priors of a model of `family` on outcome y with design X (n × p, row-major), and of `moreSds.length`
 * further columns (indexed terms, src/model/indexed-fixed.ts) given by their standard deviations.
 */
export function familyDefaults(family: Family, y: Float64Array, X: Float64Array, p: number, moreSds: ArrayLike<number> = []): FamilyDefaults {
  if (family === 'bernoulli' || family === 'binomial') {
    return { intercept: DEFAULT_INTERCEPT_PRIOR, b: Array.from({ length: p + moreSds.length }, () => DEFAULT_B_PRIOR), sd: DEFAULT_SD_PRIOR, aux: [] };
  }
  const exact = outcomeScale(family, y);
  // 4 significant digits, as brms rounds its data-scaled defaults: tidy in notes and fit.json, no practical change
  const center = Number(exact.center.toPrecision(4));
  const scale = Number(exact.scale.toPrecision(4));
  const n = y.length;
  const b: Prior[] = [];
  const column = new Float64Array(n);
  const bPrior = (sx: number): Prior => ({ family: 'normal', params: [0, Number((sx > 0 ? (2.5 * scale) / sx : 2.5 * scale).toPrecision(4))] });
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) column[i] = X[i * p + j];
    b.push(bPrior(meanSd(column).sd));
  }
  for (let j = 0; j < moreSds.length; j++) b.push(bPrior(moreSds[j]));
  return {
    intercept: { family: 'student_t', params: [3, center, 2.5 * scale] },
    b,
    sd: { family: 'halfstudent_t', params: [3, 2.5 * scale] },
    aux: familyModule(family).aux.map((a) => a.defaultPrior(scale)),
  };
}

/**
 * The Fisher information about η of one row, −E[∂²/∂η² log p(y | η)], at a crude fit: η the link of the mean
 * outcome and the auxiliary parameter by moments (0, i.e. no information, when the outcome is constant). undefined
 * for bernoulli/binomial with the logit link (the rule's own p̄(1 − p̄)·trials).
 */
export function crudeRowInformation(family: Family, y: Float64Array, trials: Float64Array | null = null, link?: LinkName): number | undefined {
  if (link === 'probit') {
    // per trial: φ(η̄)²/(p̄(1 − p̄)) at η̄ = Φ⁻¹(p̄) (the rule multiplies by the row's trials)
    let successes = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      successes += y[i];
      total += trials ? trials[i] : 1;
    }
    const pbar = total > 0 ? successes / total : 0;
    if (!(pbar > 0 && pbar < 1)) return 0;
    const eta = normalQuantile(pbar);
    const density = pm.exp(-0.5 * eta * eta) / Math.sqrt(2 * Math.PI);
    return (density * density) / (pbar * (1 - pbar));
  }
  const { mean, sd } = meanSd(y);
  const variance = sd * sd;
  switch (family) {
    case 'gaussian':
      return variance > 0 ? 1 / variance : 0;
    case 'lognormal': {
      const v = meanSd(logOf(y)).sd ** 2;
      return v > 0 ? 1 / v : 0;
    }
    case 'poisson':
      return mean;
    case 'negbinomial': {
      // NB2: Var = μ + μ²/φ, so φ̂ = μ̄²/(s² − μ̄) when over-dispersed (poisson-like otherwise)
      const phi = variance > mean ? (mean * mean) / (variance - mean) : Infinity;
      return mean / (1 + mean / phi);
    }
    case 'gamma':
      // Var = μ²/α: α̂ = μ̄²/s²
      return variance > 0 ? (mean * mean) / variance : 0;
    default:
      return undefined;
  }
}
