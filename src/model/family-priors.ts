/**
 * The default priors of a formula model, data-scaled and weakly informative for every family and link, and the crude
 * per-row information the parameterization rule uses (src/model/parameterization.ts). One rule (README "Priors"),
 * brms's defaults with rstanarm's autoscaling for b, with the outcome's centre c and scale s on the link scale:
 *   gaussian      c = mean(y),       s = sd(y)
 *   lognormal     c = mean(log y),   s = sd(log y)
 *   poisson, negbinomial, gamma (log link)   c = log(mean(y)),   s = 1
 *   bernoulli, binomial (logit)              c = logit(p̄),      s = 1     p̄ = Σ y / Σ trials
 *   bernoulli, binomial (probit)             c = Φ⁻¹(p̄),        s = 1
 * and
 *   Intercept ~ student_t(3, c, 2.5·s)                 (brms: student_t(3, median, 2.5·mad) on the link scale)
 *   b_j       ~ normal(0, 2.5·s / sd(x_j))             (rstanarm's autoscaled default; 2.5·s for a constant column;
 *                                                      0/1 columns and factor dummies by their own sd)
 *   sd_*      ~ halfstudent_t(3, 2.5·s)                (brms: student_t(3, 0, 2.5·s), half); bernoulli/binomial:
 *               exponential(1)                         (rstanarm's decov default for one varying term, tau ~ gamma(1, 1):
 *                                                      group effects of a few logits at most; its scale 1 is also what
 *                                                      the parameterization rule reads as the expected group sd, where
 *                                                      2.5 made 65,000 two-row levels split instead of non-centered)
 *   sigma     ~ halfstudent_t(3, 2.5·s)                (brms)
 *   shape     ~ gamma(0.01, 0.01)                      (brms)
 * c, s and the b scales are rounded to 4 significant digits. s falls back to 1 when the outcome is constant; c uses
 * mean(y) ≥ 1/(2n) so an all-zero count outcome has a finite centre, and p̄ within [1/(2N), 1 − 1/(2N)] (N = Σ trials)
 * so an outcome with no successes or no failures has one. The probit scale is the logit one (about 1.6 times wider
 * relative to probit coefficients' size: weaker still). The intercept's prior is on the intercept of the design as
 * given (predictors not centred). The Hillstrom reference analysis's informative priors are not defaults: its
 * presets carry them (src/data/hillstrom.ts, HILLSTROM_PRIORS).
 */
import { pooledSuccessRate, totalTrials } from '../numeric/success-rate.js';
import { normalQuantile } from '../numeric/normal-quantile.js';
import type { LinkName } from './families/family.js';
import { familyModule } from './families/index.js';
import type { Prior } from './prior.js';
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

/**
 * meanSd(·).sd of each of the p columns of the n × p row-major X, with the same operations in the same order per
 * column (so the same bits), in two passes over the rows for all columns: no float64 copy of a column and no pass
 * over all of X per column.
 */
function columnSds(X: Float64Array, n: number, p: number): Float64Array {
  const mean = new Float64Array(p);
  for (let i = 0, row = 0; i < n; i++, row += p) {
    const k = i + 1;
    for (let j = 0; j < p; j++) mean[j] += (X[row + j] - mean[j]) / k;
  }
  const ss = new Float64Array(p);
  for (let i = 0, row = 0; i < n; i++, row += p) {
    for (let j = 0; j < p; j++) {
      const d = X[row + j] - mean[j];
      ss[j] += d * d;
    }
  }
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) sd[j] = n > 1 ? Math.sqrt(ss[j] / (n - 1)) : 0;
  return sd;
}

function logOf(y: Float64Array): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = pm.log(y[i]);
  return out;
}

/** p̄ = Σ y / Σ trials, kept within [1/(2N), 1 − 1/(2N)] (N = Σ trials) so that its link is finite. */
function successRate(y: Float64Array, trials: Float64Array | null): number {
  const total = totalTrials(y.length, trials);
  const floor = 1 / (2 * Math.max(total, 1));
  return Math.min(Math.max(total > 0 ? pooledSuccessRate(y, trials) : 0.5, floor), 1 - floor);
}

/**
 * Centre and scale of the outcome on the link scale (see the module comment); `trials` for binomial, `link` 'probit'
 * for a probit bernoulli/binomial model.
 */
export function outcomeScale(family: Family, y: Float64Array, trials: Float64Array | null = null, link?: LinkName): { center: number; scale: number } {
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
    case 'bernoulli':
    case 'binomial': {
      const p = successRate(y, family === 'binomial' ? trials : null);
      return { center: link === 'probit' ? normalQuantile(p) : pm.log(p / (1 - p)), scale: 1 };
    }
    default:
      throw new Error(`outcomeScale: no rule for family ${String(family)}`);
  }
}

/** What the default priors of a model are computed from, besides the family. */
export interface DefaultsData {
  /** The outcome (successes for binomial). */
  readonly y: Float64Array;
  /** binomial's trials; null otherwise. */
  readonly trials: Float64Array | null;
  /** The link when not the family's default ('probit'). */
  readonly link?: LinkName;
  /** The dense design, n × p row-major. */
  readonly X: Float64Array;
  readonly p: number;
  /** Standard deviations of further columns (indexed terms, src/model/indexed-fixed.ts), after the p dense ones. */
  readonly moreSds?: ArrayLike<number>;
}

/** Default priors of a model of `family` on the data d (see the module comment). */
export function familyDefaults(family: Family, d: DefaultsData): FamilyDefaults {
  const { y, X, p } = d;
  const moreSds = d.moreSds ?? [];
  const exact = outcomeScale(family, y, d.trials, d.link);
  // 4 significant digits, as brms rounds its data-scaled defaults: tidy in notes and fit.json, no practical change
  const center = Number(exact.center.toPrecision(4));
  const scale = Number(exact.scale.toPrecision(4));
  const n = y.length;
  const b: Prior[] = [];
  const bPrior = (sx: number): Prior => ({ family: 'normal', params: [0, Number((sx > 0 ? (2.5 * scale) / sx : 2.5 * scale).toPrecision(4))] });
  for (const sx of columnSds(X, n, p)) b.push(bPrior(sx));
  for (let j = 0; j < moreSds.length; j++) b.push(bPrior(moreSds[j]));
  return {
    intercept: { family: 'student_t', params: [3, center, 2.5 * scale] },
    b,
    sd: family === 'bernoulli' || family === 'binomial' ? { family: 'exponential', params: [1] } : { family: 'halfstudent_t', params: [3, 2.5 * scale] },
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
    const pbar = pooledSuccessRate(y, trials);
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

/**
 * The score of each row's linear predictor at the same crude fit as crudeRowInformation (η = the link of the mean
 * outcome, auxiliary parameters by moments): s_i = ∂/∂η log p(y_i) there, = (y_i − trials_i·μ̄)·(dμ/dη)/Var per
 * trial. With w_i the row information, Σ_{rows of level k} x_i s_i / Σ x_i² w_i is one Newton step for level k's
 * effect from 0 (the parameterization rule's crude estimate of the levels' effects, src/model/parameterization.ts).
 *   logit bernoulli/binomial: y − t·p̄;   probit: (y − t·p̄)·φ(η̄)/(p̄(1 − p̄));   gaussian (identity): (y − ȳ)/s²;
 *   lognormal (identity on log y): (log y − m)/v;   poisson (log): y − μ̄;   negbinomial (log): (y − μ̄)/(1 + μ̄/φ̂);
 *   gamma (log): α̂·(y/μ̄ − 1).
 * null for a family and link without a formula here (the rule then judges by the sd prior's scale alone).
 */
export function crudeRowScores(family: Family, y: Float64Array, trials: Float64Array | null = null, link?: LinkName): Float64Array | null {
  const n = y.length;
  const out = new Float64Array(n);
  const chosen = link ?? familyModule(family).link;
  if (family === 'bernoulli' || family === 'binomial') {
    const pbar = pooledSuccessRate(y, trials);
    if (!(pbar > 0 && pbar < 1)) return null;
    let factor: number;
    if (chosen === 'logit') factor = 1;
    else if (chosen === 'probit') {
      const eta = normalQuantile(pbar);
      factor = pm.exp(-0.5 * eta * eta) / Math.sqrt(2 * Math.PI) / (pbar * (1 - pbar));
    } else return null;
    for (let i = 0; i < n; i++) out[i] = (y[i] - (trials ? trials[i] : 1) * pbar) * factor;
    return out;
  }
  if (family === 'lognormal') {
    if (chosen !== 'identity') return null;
    const logs = logOf(y);
    const { mean, sd } = meanSd(logs);
    if (!(sd > 0)) return null;
    for (let i = 0; i < n; i++) out[i] = (logs[i] - mean) / (sd * sd);
    return out;
  }
  const { mean, sd } = meanSd(y);
  const variance = sd * sd;
  if (family === 'gaussian') {
    if (chosen !== 'identity' || !(variance > 0)) return null;
    for (let i = 0; i < n; i++) out[i] = (y[i] - mean) / variance;
    return out;
  }
  if (chosen !== 'log' || !(mean > 0)) return null;
  let scale: number;
  if (family === 'poisson') scale = 1;
  else if (family === 'negbinomial') scale = 1 / (1 + (variance > mean ? (variance - mean) / mean : 0));
  else if (family === 'gamma') {
    if (!(variance > 0)) return null;
    scale = mean / variance; // α̂/μ̄ with α̂ = μ̄²/s²
  } else return null;
  for (let i = 0; i < n; i++) out[i] = (y[i] - mean) * scale;
  return out;
}
