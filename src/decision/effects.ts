/**
 * Treatment effects by segment from a fitted model's draws:
 * - on the log-odds scale, η_k(1) − η_k(0): for the hierarchical model b_treatment + r_<segment>__treatment[k], for
 *   the pooled model b_treatment in every segment;
 * - on the probability scale (uplift), σ(η_k(1)) − σ(η_k(0)), P(convert | e-mail) − P(convert | no e-mail),
 * where η_k(t) is the linear predictor at segment k's average covariates with the treatment set to t. Averaging
 * covers every term: each fixed column's mean over the segment's rows, and for each varying term the share of the
 * segment's rows in each level (times the term's covariate), so models with more varying terms work unchanged.
 * Per draw η_k(t) is a dot product of fixed weights with the draw, so all draws cost S · (weights) operations.
 */
import { sigmoid } from '../numeric/logistic.js';
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { constrainedDim, constrainedNames } from '../model/layout.js';
import { termLabel, type ModelSpec } from '../model/spec.js';
import { summarizeQuantity, type DrawSummary } from './draw-summary.js';
import { drawColumns } from './linear-predictor.js';

/** Segment k's rows: codes[i] is row i's 0-based level in `levels`. */
export interface Segmentation {
  readonly name: string;
  readonly codes: ArrayLike<number>;
  readonly levels: readonly string[];
}

function checkTreatment(spec: ModelSpec, treatment: string): void {
  const { names } = spec.fixed;
  if (!names.includes(treatment)) {
    throw new UserError(`model "${spec.formula}" has no fixed effect "${treatment}"; the treatment must be a term of the formula`);
  }
  const interaction = names.find((n) => n !== treatment && n.split(':').includes(treatment));
  if (interaction !== undefined) {
    throw new UserError(
      `model "${spec.formula}": term "${interaction}" interacts with the treatment; segment uplift supports the treatment ` +
        'as a main effect and as a varying slope, e.g. (0 + treatment | segment)',
    );
  }
}

/**
 * Weights w_t[k · dim + v] over the constrained vector with η_k(t) = Σ_v w_t[k · dim + v] · θ_v, for t = 0
 * (control) and t = 1 (treated). `treatment` is the fixed-effect label of the 0/1 treatment column; with null
 * (no treatment) both weights are the plain segment averages.
 */
export interface SegmentProfiles {
  readonly dim: number;
  readonly control: Float64Array;
  readonly treated: Float64Array;
  /** Rows per segment. */
  readonly rows: Float64Array;
  /** The segment's mean offset (src/model/spec.ts), added to η_k(t); zeros without an offset. */
  readonly offset: Float64Array;
}

export function segmentProfiles(spec: ModelSpec, treatment: string | null, segments: Segmentation): SegmentProfiles {
  const { names, X } = spec.fixed;
  const p = names.length;
  const tCol = treatment === null ? -1 : names.indexOf(treatment);
  if (treatment !== null) checkTreatment(spec, treatment);
  const K = segments.levels.length;
  const dim = constrainedDim(spec);
  const control = new Float64Array(K * dim);
  const treated = new Float64Array(K * dim);
  const rows = new Float64Array(K);
  for (let i = 0; i < spec.n; i++) rows[segments.codes[i]]++;
  const offset = new Float64Array(K);
  if (spec.offset) for (let i = 0; i < spec.n; i++) offset[segments.codes[i]] += spec.offset[i] / rows[segments.codes[i]];
  const constrained = constrainedNames(spec);
  const rStart = spec.terms.map((_, t) => constrained.indexOf(`r_${termLabel(spec, t)}[1]`));
  for (let i = 0; i < spec.n; i++) {
    const k = segments.codes[i];
    const share = 1 / rows[k];
    const base = k * dim;
    for (let j = 0; j < p; j++) {
      if (j === tCol) {
        treated[base + j] += share;
      } else {
        control[base + j] += share * X[i * p + j];
        treated[base + j] += share * X[i * p + j];
      }
    }
    spec.terms.forEach((term, t) => {
      const v = base + rStart[t] + spec.groups[term.group].index[i];
      if (treatment !== null && term.term === treatment) {
        treated[v] += share;
      } else {
        const x = term.x === null ? 1 : term.x[i];
        control[v] += share * x;
        treated[v] += share * x;
      }
    });
  }
  return { dim, control, treated, rows, offset };
}

/** η of every draw at segment k's weights (row k of `weights`, dim wide) plus the segment's mean offset `base`. */
function profileEta(weights: Float64Array, dim: number, k: number, draws: DrawSet, columns: Int32Array, base: number): Float64Array {
  const S = draws.nChains * draws.nDraws;
  const eta = new Float64Array(S).fill(base);
  for (let v = 0; v < dim; v++) {
    const w = weights[k * dim + v];
    if (w === 0) continue;
    const column = draws.values.subarray(columns[v] * S, (columns[v] + 1) * S);
    for (let s = 0; s < S; s++) eta[s] += w * column[s];
  }
  return eta;
}

/** P(y = 1) at each segment's average covariates, per draw (no treatment involved), e.g. a city's rate. */
export function segmentRateDraws(spec: ModelSpec, draws: DrawSet, segments: Segmentation): Float64Array[] {
  const profiles = segmentProfiles(spec, null, segments);
  const columns = drawColumns(spec, draws);
  return segments.levels.map((_, k) => profileEta(profiles.control, profiles.dim, k, draws, columns, profiles.offset[k]).map(sigmoid));
}

export interface SegmentEffectDraws {
  readonly segment: string;
  /** η_k(1) − η_k(0) per draw (chain-major). */
  readonly effect: Float64Array;
  /** σ(η_k(1)) − σ(η_k(0)) per draw. */
  readonly uplift: Float64Array;
  readonly pControl: Float64Array;
  readonly pTreated: Float64Array;
}

/** η_k(0) and η_k(1), segment k's linear predictor at its average covariates without and with treatment, per draw. */
export interface SegmentEta {
  readonly control: Float64Array;
  readonly treated: Float64Array;
}

/**
 * η_k(0) and η_k(1) of every segment per draw (chain-major), from a DrawSet named as constrainedNames(spec) names
 * them; the segment averages are over the rows of `spec` (spec.n rows, `segments.codes` one per row).
 */
export function segmentEtaDraws(spec: ModelSpec, draws: DrawSet, treatment: string, segments: Segmentation): SegmentEta[] {
  const profiles = segmentProfiles(spec, treatment, segments);
  const columns = drawColumns(spec, draws);
  return segments.levels.map((_, k) => ({
    control: profileEta(profiles.control, profiles.dim, k, draws, columns, profiles.offset[k]),
    treated: profileEta(profiles.treated, profiles.dim, k, draws, columns, profiles.offset[k]),
  }));
}

/** Effect and uplift draws of every segment, from a DrawSet named as constrainedNames(spec) names them. */
export function segmentEffectDraws(
  spec: ModelSpec,
  draws: DrawSet,
  treatment: string,
  segments: Segmentation,
): SegmentEffectDraws[] {
  const etas = segmentEtaDraws(spec, draws, treatment, segments);
  const S = draws.nChains * draws.nDraws;
  return segments.levels.map((segment, k) => {
    const effect = new Float64Array(S);
    const uplift = new Float64Array(S);
    const pControl = new Float64Array(S);
    const pTreated = new Float64Array(S);
    const eta0 = etas[k].control;
    const eta1 = etas[k].treated;
    for (let s = 0; s < S; s++) {
      effect[s] = eta1[s] - eta0[s];
      pControl[s] = sigmoid(eta0[s]);
      pTreated[s] = sigmoid(eta1[s]);
      uplift[s] = pTreated[s] - pControl[s];
    }
    return { segment, effect, uplift, pControl, pTreated };
  });
}

export interface SegmentEffect {
  readonly segment: string;
  /** Rows of the segment in the fitted data. */
  readonly n: number;
  /** Log-odds scale. */
  readonly effect: DrawSummary;
  /** Probability scale. */
  readonly uplift: DrawSummary;
  /** Posterior mean conversion probability at the segment's average covariates without and with treatment. */
  readonly pControlMean: number;
  readonly pTreatedMean: number;
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Summaries of segmentEffectDraws. */
export function summarizeSegmentEffects(
  all: readonly SegmentEffectDraws[],
  rows: ArrayLike<number>,
  nChains: number,
  nDraws: number,
): SegmentEffect[] {
  return all.map((d, k) => ({
    segment: d.segment,
    n: rows[k],
    effect: summarizeQuantity(d.effect, nChains, nDraws),
    uplift: summarizeQuantity(d.uplift, nChains, nDraws),
    pControlMean: mean(d.pControl),
    pTreatedMean: mean(d.pTreated),
  }));
}
