/**
 * Group effects of levels a model has not seen, when scoring (brms's allow_new_levels = TRUE, its sample_new_levels):
 *
 *  - zero:        the new level's effect is 0, so the row gets the population-level prediction (brms: re_formula = NA
 *                 for that group). nutmeg's default: deterministic, and what scoring has always done.
 *  - sample:      per posterior draw s, the effect is drawn from the fitted hierarchical distribution, Normal(0, sd_t[s])
 *                 for each term t of the group; when the run has correlation draws cor_<group>__<a>__<b>, the group's
 *                 terms are drawn jointly, r = diag(sd[s]) · L[s] · z with L[s] L[s]ᵀ = the correlation matrix at draw
 *                 s and z ~ Normal(0, I) (brms's sample_new_levels = "gaussian").
 *  - uncertainty: per draw s, the effects of one existing level chosen uniformly at random — the same level for every
 *                 term of the group, so their correlation is kept (brms's "uncertainty", its default: a mixture over
 *                 the old levels' effects).
 *
 * The random numbers of a new level come from keyedStream(seed, group and level name): rows at the same new level
 * share their effects draw by draw, and a row's score depends on neither the other rows nor their order.
 */
import { UserError } from '../errors.js';
import { choleskyLower } from '../numeric/cholesky.js';
import type { Rng } from '../rng.js';
import { keyedStream } from '../rng.js';

export type NewLevelMode = 'zero' | 'sample' | 'uncertainty';
export const NEW_LEVEL_MODES: readonly NewLevelMode[] = ['zero', 'sample', 'uncertainty'];
export const DEFAULT_NEW_LEVELS: NewLevelMode = 'zero';
/** Seed of the new levels' draws when none is given. */
export const DEFAULT_NEW_LEVELS_SEED = 1;

/** `value` as a mode; otherwise a one-line error naming `what` (the flag or field). */
export function newLevelMode(value: unknown, what: string): NewLevelMode {
  if (typeof value === 'string' && (NEW_LEVEL_MODES as readonly string[]).includes(value)) return value as NewLevelMode;
  const got = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  throw new UserError(`${what} must be zero, sample or uncertainty, got ${got}`);
}

/** What drawing a new level of one grouping factor needs from the posterior. */
export interface GroupSpread {
  /** The group's name, e.g. "zip_code" or "a:b". */
  readonly group: string;
  /** The group's varying terms: indices into DesignRecipe.terms. */
  readonly terms: readonly number[];
  /** Their names as in parameter names: "Intercept", "treatment". */
  readonly termNames: readonly string[];
  /** Per term of the group: its sd draws (length S), or null when the draws lack sd_<group>__<term>. */
  readonly sd: readonly (Float64Array | null)[];
  /**
   * Per draw the lower Cholesky factor of the terms' correlation matrix, S × m × m row-major (m = terms.length);
   * null when the draws hold no cor_<group>__<a>__<b> for this group (independent terms).
   */
  readonly cholesky: Float64Array | null;
}

/**
 * The GroupSpread of a group whose terms are `terms` (indices) named `termNames`; `variable(name)` gives a variable's
 * draws or null when the run has none. Pairs without a cor_ variable are uncorrelated.
 */
export function groupSpread(
  group: string,
  terms: readonly number[],
  termNames: readonly string[],
  S: number,
  variable: (name: string) => Float64Array | null,
): GroupSpread {
  const m = terms.length;
  const sd = termNames.map((t) => variable(`sd_${group}__${t}`));
  const pairs: { a: number; b: number; values: Float64Array }[] = [];
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const values = variable(`cor_${group}__${termNames[a]}__${termNames[b]}`) ?? variable(`cor_${group}__${termNames[b]}__${termNames[a]}`);
      if (values) pairs.push({ a, b, values });
    }
  }
  if (pairs.length === 0) return { group, terms, termNames, sd, cholesky: null };
  const cholesky = new Float64Array(S * m * m);
  const corr = new Float64Array(m * m);
  for (let s = 0; s < S; s++) {
    corr.fill(0);
    for (let a = 0; a < m; a++) corr[a * m + a] = 1;
    for (const { a, b, values } of pairs) corr[b * m + a] = corr[a * m + b] = values[s];
    if (choleskyLower(corr, m, cholesky, s * m * m) >= 0) {
      throw new UserError(`the correlation draws of group ${group} are not a correlation matrix at draw ${s + 1}; were they written for another model?`);
    }
  }
  return { group, terms, termNames, sd, cholesky };
}

/**
 * One new level's effects for every draw: out[j · S + s] for the group's j-th term at draw s. `r[t]` holds term t's
 * existing levels' draws (K × S, level-major) and `levels` is K.
 */
export function drawNewLevel(
  mode: Exclude<NewLevelMode, 'zero'>,
  spread: GroupSpread,
  r: readonly Float64Array[],
  levels: number,
  S: number,
  rng: Rng,
  out: Float64Array,
): void {
  const m = spread.terms.length;
  if (mode === 'uncertainty') {
    for (let s = 0; s < S; s++) {
      const k = rng.int(levels);
      for (let j = 0; j < m; j++) out[j * S + s] = r[spread.terms[j]][k * S + s];
    }
    return;
  }
  const missing = spread.sd.findIndex((sd) => sd === null);
  if (missing >= 0) {
    throw new UserError(`sampling the effects of new ${spread.group} levels needs the draws of sd_${spread.group}__${spread.termNames[missing]}, which this run lacks`);
  }
  const sd = spread.sd as readonly Float64Array[];
  const L = spread.cholesky;
  for (let s = 0; s < S; s++) {
    if (L === null) {
      for (let j = 0; j < m; j++) out[j * S + s] = sd[j][s] * rng.normal();
      continue;
    }
    // z into out's column s first, then u = L z in place from the last row up (row j reads z_0 … z_j)
    for (let j = 0; j < m; j++) out[j * S + s] = rng.normal();
    const base = s * m * m;
    for (let j = m - 1; j >= 0; j--) {
      let u = 0;
      for (let k = 0; k <= j; k++) u += L[base + j * m + k] * out[k * S + s];
      out[j * S + s] = sd[j][s] * u;
    }
  }
}

/** The random stream of new level `level` of group `group` (see the module comment). */
export function newLevelStream(seed: number, group: string, level: string): Rng {
  return keyedStream(seed, `${group}\u0000${level}`);
}
