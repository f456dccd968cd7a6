/**
 * ModelSpec: the contract between the statistics and the hardware. Typed arrays only; every backend builds its
 * kernels from this and nothing else.
 *
 * Model:
 *   eta_i = o_i + sum_j X[i, j] b_j + sum_t x_t[i] · r_t[group_t(i)]  (x_t[i] = 1 for an intercept term; o the
 *                                                                       offset, 0 without one)
 *   bernoulli: y_i ~ Bernoulli(logit^-1(eta_i))
 *   binomial:  y_i ~ Binomial(trials_i, logit^-1(eta_i))
 *   gaussian: y_i ~ Normal(eta_i, sigma); lognormal: log y_i ~ Normal(eta_i, sigma); poisson: y_i ~ Poisson(e^eta_i);
 *   negbinomial: y_i ~ NB2(e^eta_i, shape); gamma: y_i ~ Gamma(shape, mean e^eta_i)   (src/model/families/)
 *   b_j ~ fixed.priors[j];  sd_t ~ term.sdPrior;
 *   non-centered term: z_t[k] ~ Normal(0, 1), r_t[k] = sd_t · z_t[k]
 *   centered term:     r_t[k] ~ Normal(0, sd_t)
 *   split term:        u_t ~ Normal(0, 1), e_t ~ Normal(0, sd_t² I_{K−1}), r_t = (sd_t · u_t / √K)·1 + Q e_t
 *                      (mean non-centered, deviations centered; Q and the why in src/model/split.ts)
 *   correlated block (the m ≥ 2 terms of one `( … | g)`, spec.correlated): per level k the vector r_k ∈ R^m of
 *                      the block's terms ~ MVN(0, diag(sd) Ω diag(sd)), Ω ~ LKJ(eta) through its Cholesky factor L
 *                      (src/model/correlation.ts): non-centered r_k = diag(sd) L z_k, z_k ~ Normal(0, I); centered
 *                      the r_k are the coordinates, with the MVN density; split: the levels' mean vector non-centered, the
 *                      deviations centered (src/model/correlated-effects.ts). Folded per block (foldColumns).
 *   folding: a split or non-centered term whose covariate is fixed column j (foldColumn) has that coordinate hold
 *                      b_j + mean(r_t) instead of b_j, so the likelihood does not see the levels' mean; a folded
 *                      non-centered term samples its z rotated: [u, e_1 … e_{K−1}] with z = u/√K·1 + Q e; a folded intercept
 *                      term also folds the coefficients of group-level columns (groupLevelFold): b_j + C_j(r)
 *
 * Unconstrained parameter vector (length `dim`), in this order:
 *   [ b_0 … b_{p-1} ]  then for each varying term t in order:  [ log sd_t, v_t[1] … v_t[K_t] ]
 *   then for each correlated block its m(m−1)/2 partial-correlation coordinates (src/model/correlation.ts)
 *   then the family's auxiliary parameters, each as its log (gaussian/lognormal: log sigma; negbinomial/gamma: log shape)
 * where v is z (non-centered), r (centered) or [u, e_1 … e_{K−1}] (split, or folded non-centered). The log density on this scale includes the
 * Jacobian of sd = exp(u), i.e. + log sd_t for every term, and + log sd_t more for a split term (|∂r/∂(u, e)| = sd).
 * Backends evaluate plain centered and non-centered terms only: src/backend/split-terms.ts maps split and folded
 * terms onto those around any backend, and src/backend/correlated-terms.ts correlated blocks.
 * The log density itself is written once, in src/model/density.ts (the family's rows in src/model/families/).
 */
import type { LinkName } from './families/family.js';
import type { GroupLevelFold } from './group-level-fold.js';
import type { Prior } from './prior.js';

export type Family = 'bernoulli' | 'binomial' | 'gaussian' | 'poisson' | 'negbinomial' | 'gamma' | 'lognormal';
export const FAMILIES: readonly Family[] = ['bernoulli', 'binomial', 'gaussian', 'poisson', 'negbinomial', 'gamma', 'lognormal'];

/** An auxiliary parameter of the family (sigma, shape), sampled as its log at position `index` (after every term). */
export interface AuxCoordinate {
  /** brms's name, also the output name: "sigma" or "shape". */
  readonly name: string;
  readonly prior: Prior;
  readonly index: number;
}
export type Parameterization = 'centered' | 'noncentered' | 'split';

export interface GroupingFactor {
  /** Column name, e.g. "history_segment". */
  readonly name: string;
  /** Level names; level k (0-based) is reported as index k + 1. */
  readonly levels: readonly string[];
  /** 0-based level index per row (length n). */
  readonly index: Uint32Array;
}

export interface VaryingTerm {
  /** Index into ModelSpec.groups. */
  readonly group: number;
  /** "Intercept" or the covariate's term label, e.g. "treatment". */
  readonly term: string;
  /** Covariate per row (length n); null for an intercept (all ones). */
  readonly x: Float64Array | null;
  readonly parameterization: Parameterization;
  readonly sdPrior: Prior;
  /** Split and non-centered terms: the fixed-effect column equal to x (the intercept column for an intercept term)
   * whose coordinate holds b_j + mean(r); -1 or absent when none (ignored for centered terms). */
  readonly foldColumn?: number;
  /** A folded intercept term (foldColumn ≥ 0): the fixed columns constant within each level, whose coordinates hold
   * b_j + (least-squares coefficient of r on them) too (src/model/group-level-fold.ts); absent when none. */
  readonly groupLevelFold?: GroupLevelFold;
  /** Position of log(sd) in the unconstrained vector. */
  readonly sdIndex: number;
  /** Position of the first level's z (non-centered) or r (centered), or of u (split); K = groups[group].levels.length
   * entries. */
  readonly offset: number;
  /**
   * A centered term without a level prior (its sd coordinate unused): an indexed fixed-effect term as a backend sees
   * it (src/backend/indexed-fixed.ts), its prior added around the backend. Absent: false.
   */
  readonly flat?: boolean;
  /**
   * The sd coordinate (at sdIndex) is the signed v with sd = |v| and r = v·z instead of log sd (src/model/signed-scale.ts);
   * non-centered terms only. Absent: false.
   */
  readonly signedScale?: boolean;
  /**
   * Non-centered terms only: the information I_k the data carry about each level coordinate's effect
   * (src/model/parameterization.ts, levelInformation; for a rotated term that of its [u, e], split.ts
   * rotatedInformation). When present the coordinates at offset are ζ_k = z_k·√(1 + sd²·I_k) instead of z_k
   * (src/model/signed-scale.ts, "Scaled levels"), with the sd signed (signedScale) or on log scale (without it).
   * Absent: they are z.
   */
  readonly levelInformation?: Float64Array;
}

/**
 * The terms of one `( … | g)` with m ≥ 2 coefficients (`(1 + x | g)`), whose effects per level are correlated
 * (src/model/correlation.ts). `(1 + x || g)` gives independent terms and no block.
 */
export interface CorrelatedBlock {
  /** Index into ModelSpec.groups. */
  readonly group: number;
  /** Indices into ModelSpec.terms, in the bar's order (m ≥ 2 terms of this group; the terms carry no foldColumn). */
  readonly terms: readonly number[];
  /**
   * 'noncentered': the terms' coordinates are z, r_k = diag(sd) L z_k; 'centered': they are r; 'split': per term
   * (u_i, e_i) with the levels' mean vector √K·mean(r) = diag(sd) L u non-centered and the Helmert deviations e
   * centered (src/model/correlated-effects.ts). Every term of the block carries the same parameterization.
   */
  readonly parameterization: Parameterization;
  /** Shape η of the LKJ prior on the correlation matrix. */
  readonly eta: number;
  /** Position of the first of the m(m−1)/2 partial-correlation coordinates (pairs (1,0), (2,0), (2,1), …). */
  readonly cpcIndex: number;
  /**
   * Per term of the block, the fixed column whose coordinate holds b_j + mean_k(r_k) (the term's covariate is that
   * column: a varying intercept beside the intercept), or -1; absent: none. As for independent terms
   * (src/model/split.ts) this takes the levels' mean out of the likelihood, where it trades off against b_j; the
   * shear has Jacobian 1 (src/backend/correlated-terms.ts).
   */
  readonly foldColumns?: readonly number[];
}

/**
 * A fixed-effect term stored as a level index instead of dense indicator columns (a factor with many levels, or its
 * interaction with a numeric column or another factor; the rule in src/model/indexed-fixed.ts): row i adds
 * x_i · b[coefficient[index_i]] to η, nothing where coefficient[index_i] = −1 (a reference cell, which treatment
 * coding drops). Its coefficients are ordinary fixed effects (names, priors, output), after the dense ones.
 */
export interface IndexedFixedTerm {
  /** The formula term, e.g. "store" or "x:store". */
  readonly label: string;
  /** Cell per row (length n): the levels of the term's factors as one mixed-radix number, the first fastest. */
  readonly index: Uint32Array;
  /** Number of cells (the product of the factors' level counts). */
  readonly levels: number;
  /** Per cell: the fixed coordinate j (in [q, p)) of its coefficient, or −1. */
  readonly coefficient: Int32Array;
  /** The product of the term's numeric parts per row; null when it has none. */
  readonly x: Float64Array | null;
}

export interface FixedEffects {
  /**
   * Term labels: "Intercept", "treatment", "scale(recency)", "segment:channel"… (parameter name = "b_" + label): the q
   * dense columns first, then the coefficients of the indexed terms (p in all).
   */
  readonly names: readonly string[];
  /** Design matrix of the dense columns, n × q, row-major (q = p without indexed terms). The intercept, when present, is a column of ones. */
  readonly X: Float64Array;
  /** Column of X that is the intercept, or -1. */
  readonly interceptColumn: number;
  readonly priors: readonly Prior[];
  /** Terms stored as level indices, their coefficients at [q, p); absent or empty when every column is dense. */
  readonly indexed?: readonly IndexedFixedTerm[];
}

/** q: the number of dense fixed columns (X is n × q; the indexed terms' coefficients follow them). */
export function denseFixedCount(fixed: FixedEffects): number {
  let count = fixed.names.length;
  for (const term of fixed.indexed ?? []) {
    for (let k = 0; k < term.levels; k++) if (term.coefficient[k] >= 0) count--;
  }
  return count;
}

export interface ModelSpec {
  readonly formula: string;
  readonly family: Family;
  /** The link when it is not the family's default (only 'probit' for bernoulli/binomial); absent otherwise. */
  readonly link?: LinkName;
  /** Number of rows (observations). */
  readonly n: number;
  /** Outcome column name (successes for binomial). */
  readonly outcome: string;
  /** Successes per row: 0/1 for bernoulli, 0…trials for binomial. */
  readonly y: Float64Array;
  /** Trials per row for binomial; null for bernoulli. */
  readonly trials: Float64Array | null;
  /** log C(trials_i, y_i) per row for binomial (added to the pointwise log-likelihood); null for bernoulli. */
  readonly logChoose: Float64Array | null;
  readonly fixed: FixedEffects;
  readonly groups: readonly GroupingFactor[];
  readonly terms: readonly VaryingTerm[];
  /** Length of the unconstrained parameter vector. */
  readonly dim: number;
  /**
   * The basis of the fixed effects' unconstrained coordinates (src/model/fixed-basis.ts): L, q × q lower
   * triangular over the dense columns, with θ = Lᵀ b; absent or null: θ = b. Backends never see it (src/backend/split-terms.ts maps it).
   */
  readonly fixedBasis?: Float64Array | null;
  /** The family's auxiliary parameters in FamilyModule.aux order; absent or empty for bernoulli/binomial. */
  readonly aux?: readonly AuxCoordinate[];
  /**
   * The offset o per row (the formula's offset() terms, coefficient 1, not a parameter); absent or null: none. The
   * TypeScript linear predictor adds it; the kernel backends see it as a fixed column with its coefficient pinned
   * at 1 (src/backend/offset-column.ts).
   */
  readonly offset?: Float64Array | null;
  /** Correlated blocks of terms; absent or empty when every term is independent. */
  readonly correlated?: readonly CorrelatedBlock[];
}

/** Name of term t as used in parameter names: "<group>__<term>", e.g. "history_segment__treatment". */
export function termLabel(spec: ModelSpec, t: number): string {
  const term = spec.terms[t];
  return `${spec.groups[term.group].name}__${term.term}`;
}

export function levelCount(spec: ModelSpec, t: number): number {
  return spec.groups[spec.terms[t].group].levels.length;
}

/** For each term, the index of its correlated block in spec.correlated, or -1. */
export function blockOfTerm(spec: ModelSpec): Int32Array {
  const out = new Int32Array(spec.terms.length).fill(-1);
  (spec.correlated ?? []).forEach((block, b) => {
    for (const t of block.terms) out[t] = b;
  });
  return out;
}
