/**
 * Starting points for a model with a many-level varying term (`--init levels`; what `--init auto` picks when a term
 * has MANY_LEVELS levels or more, src/fit/init-choice.ts): every coordinate from Stan's uniform(−2, 2) except, for
 * each independent varying term of MANY_LEVELS+ levels (non-centered, centered or split; not in a correlated block,
 * not sd-signed or scaled), its sd and its level coordinates:
 *
 *   log sd  = log ŝ + uniform(−SD_JITTER, SD_JITTER),   ŝ the levels' crude sd (method of moments on one-step level
 *             effects from the crude fit; src/model/crude-level-sd.ts crudeLevelSd, the figure the
 *             parameterization rule judged the term by);
 *   r_k     ~ Normal(m_k, v_k) given that sd, the conditional posterior of level k's effect when its one-step estimate
 *             r̂_k (sampling variance 1/I_k) is treated as a normal observation of r_k ~ Normal(0, sd²):
 *                 v_k = sd² / (1 + sd²·I_k),   m_k = v_k · I_k · (r̂_k − mean r̂)
 *             (a level without information, I_k = 0, gets its prior Normal(0, sd²)); then written in the term's
 *             coordinates (z = r/sd non-centered, rotated when folded; r centered; split's (u, e)).
 *
 * Why. A random start puts log sd anywhere in (−2, 2) (sd 0.14 … 7.4) and the 10⁵ z's at uniform values that do not
 * fit the data at that sd. In a non-centered term sd and all the z's must then move together (r = sd·z is what the
 * data see), and the sd's conditional width is ~1/√K of its marginal, so the first warm-up iterations crawl
 * (bench/README.md, "Many levels, third step: the first warm-up iterations"). From here the chain starts where the
 * levels and their sd already agree with the data to first order, dispersed by the draw of r and the sd jitter.
 * Gaussian outcome with identity link: r̂_k is the level's mean outcome less the overall mean and I_k = n_k / s²,
 * so m_k, v_k are the exact conditional posterior of r_k given sd, the intercept at ȳ and σ = s (tests).
 * The stationary distribution is not affected: only where the chains start.
 */
import { crudeRowInformation, crudeRowScores } from '../model/family-priors.js';
import { levelInformation, MANY_LEVELS } from '../model/parameterization.js';
import { crudeLevelSd } from '../model/crude-level-sd.js';
import { effectsToSplit, isRotated } from '../model/split.js';
import { levelCount, type ModelSpec } from '../model/spec.js';
import { stream, type Rng } from '../rng.js';
import * as pm from '../numeric/portable-math.js';

/** Half-width of the uniform jitter of log sd around the crude sd, per chain. */
export const SD_JITTER = 0.1;

/** Stream of the level starts (apart from the chains' own streams, which stay those of a random start). */
const LEVEL_START_STREAM = 1_000_005;

/** A term the level start sets: its index, the levels' crude sd ŝ, their information I_k and centred estimates. */
export interface LevelStartTerm {
  readonly term: number;
  readonly sd: number;
  readonly information: Float64Array;
  /** r̂_k − mean r̂ (0 where I_k = 0). */
  readonly estimate: Float64Array;
}

/**
 * The terms of `spec` that the level start sets, with what it needs; empty when there are none (then `--init auto`
 * keeps the random start) or the family and link have no crude row scores.
 */
export function levelStartTerms(spec: ModelSpec): LevelStartTerm[] {
  const inBlock = new Set((spec.correlated ?? []).flatMap((b) => b.terms));
  const candidates = spec.terms
    .map((t, k) => ({ t, k }))
    .filter(({ t, k }) => levelCount(spec, k) >= MANY_LEVELS && !inBlock.has(k) && t.flat !== true && t.signedScale !== true && t.levelInformation === undefined);
  if (candidates.length === 0) return [];
  const scores = crudeRowScores(spec.family, spec.y, spec.trials, spec.link);
  if (scores === null) return [];
  const rowInformation = crudeRowInformation(spec.family, spec.y, spec.trials, spec.link);
  const out: LevelStartTerm[] = [];
  for (const { t, k } of candidates) {
    const K = levelCount(spec, k);
    const term = { levels: K, index: spec.groups[t.group].index, x: t.x };
    const information = levelInformation(term, spec.y, spec.trials, rowInformation);
    const sd = crudeLevelSd(term, information, scores);
    if (!(sd > 0 && Number.isFinite(sd))) continue;
    const estimate = new Float64Array(K);
    for (let i = 0; i < scores.length; i++) estimate[term.index[i]] += (t.x ? t.x[i] : 1) * scores[i];
    let mean = 0;
    let count = 0;
    for (let l = 0; l < K; l++) {
      if (!(information[l] > 0)) continue;
      estimate[l] /= information[l];
      mean += estimate[l];
      count++;
    }
    mean /= count;
    for (let l = 0; l < K; l++) estimate[l] = information[l] > 0 ? estimate[l] - mean : 0;
    out.push({ term: k, sd, information, estimate });
  }
  return out;
}

/**
 * Level effects drawn from their conditional normal given sd (module comment): r[l] ~ Normal(m_l, v_l) with
 * v_l = sd²/(1 + sd²·I_l), m_l = v_l·I_l·estimate[l].
 */
export function drawLevelEffects(sd: number, information: Float64Array, estimate: Float64Array, rng: Rng, r: Float64Array): void {
  const s2 = sd * sd;
  for (let l = 0; l < r.length; l++) {
    const v = s2 / (1 + s2 * information[l]);
    r[l] = v * information[l] * estimate[l] + Math.sqrt(v) * rng.normal();
  }
}

/**
 * chains × dim starting points (row-major): uniform(−2, 2), with the terms of levelStartTerms set as in the module
 * comment; null when there is no such term.
 */
export function levelStart(spec: ModelSpec, chains: number, seed: number, terms = levelStartTerms(spec)): Float64Array | null {
  if (terms.length === 0) return null;
  const d = spec.dim;
  const out = new Float64Array(chains * d);
  const rng = stream(seed, LEVEL_START_STREAM);
  for (let c = 0; c < chains; c++) {
    const o = c * d;
    for (let i = 0; i < d; i++) out[o + i] = rng.uniformRange(-2, 2);
    for (const { term: k, sd: crude, information, estimate } of terms) {
      const term = spec.terms[k];
      const K = information.length;
      const logSd = pm.log(crude) + rng.uniformRange(-SD_JITTER, SD_JITTER);
      const sd = pm.exp(logSd);
      out[o + term.sdIndex] = logSd;
      const r = new Float64Array(K);
      drawLevelEffects(sd, information, estimate, rng, r);
      if (term.parameterization === 'centered') {
        out.set(r, o + term.offset);
      } else if (term.parameterization === 'split') {
        effectsToSplit(sd, r, 0, K, out, o + term.offset);
      } else {
        for (let l = 0; l < K; l++) r[l] /= sd;
        if (isRotated(term)) effectsToSplit(1, r, 0, K, out, o + term.offset);
        else out.set(r, o + term.offset);
      }
    }
  }
  return out;
}
