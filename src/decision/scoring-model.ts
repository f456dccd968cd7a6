/**
 * The posterior draws rearranged for scoring, once per model: fixed effects draw-major, each varying term's levels
 * level-major (a view into the draws where they already lie so), the indexed terms' cells, the family's auxiliary
 * draws and what drawing a new group level needs.
 */
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { familyModule } from '../model/families/index.js';
import type { FamilyModule } from '../model/families/family.js';
import { cellCoefficients, indexedColumnNames } from '../model/indexed-fixed.js';
import type { DesignRecipe } from '../model/recipe.js';
import { groupSpread, type GroupSpread } from './new-levels.js';
import { recipeColumns, TREATMENT_COLUMN } from './scoring-columns.js';

/**
 * What scoring needs of a fit: the recipe and the constrained draws (b_*, r_<group>__<term>[k], the family's sigma or
 * shape; sd_ and cor_ for sampling new levels).
 */
export interface ScoringPosterior {
  readonly recipe: DesignRecipe;
  readonly draws: DrawSet;
}

/** The draws rearranged for scoring, made once per model. */
export interface ScoringModel {
  readonly recipe: DesignRecipe;
  /** Draws over all chains. */
  readonly nDraws: number;
  /** Fixed effects, S × p (draw-major: one draw's coefficients together). */
  readonly b: Float64Array;
  /** Per varying term, K × S (level-major: one level's draws together). */
  readonly r: readonly Float64Array[];
  /**
   * Per indexed fixed term (src/model/indexed-fixed.ts), per cell: its coefficient's S draws (a view into the draws,
   * not a copy), or null for a reference cell.
   */
  readonly indexed?: readonly (readonly (Float64Array | null)[])[];
  /** The 0/1 treatment column when the model uses one, else null. */
  readonly treatment: string | null;
  /** The family with its link: its `mean` turns η into E[y | η, aux]. */
  readonly family: FamilyModule;
  /** The family's auxiliary parameters' draws (length S each), in FamilyModule.aux order. */
  readonly aux: readonly Float64Array[];
  /** Per grouping factor, what drawing a new level needs (src/decision/new-levels.ts). */
  readonly spreads: readonly GroupSpread[];
}

/** `index`: the draws' names to their positions, built once (indexOf per group level is quadratic in the levels). */
function drawsOf(draws: DrawSet, index: ReadonlyMap<string, number>, name: string): Float64Array {
  const v = index.get(name) ?? -1;
  if (v < 0) throw new UserError(`the draws have no variable ${name}; were they written for another model?`);
  const size = draws.nChains * draws.nDraws;
  return draws.values.subarray(v * size, (v + 1) * size);
}

export function prepareScoring(posterior: ScoringPosterior): ScoringModel {
  const { recipe, draws } = posterior;
  const family = familyModule(recipe.family, recipe.link);
  const S = draws.nChains * draws.nDraws;
  if (S === 0) throw new UserError('the run has no draws to score with');
  const index = new Map(draws.names.map((n, i) => [n, i]));
  const p = recipe.fixed.length;
  const b = new Float64Array(S * p);
  recipe.fixed.forEach((column, j) => {
    const d = drawsOf(draws, index, `b_${column.name}`);
    for (let s = 0; s < S; s++) b[s * p + j] = d[s];
  });
  const r = recipe.terms.map((term) => {
    const group = recipe.groups[term.group];
    const K = group.levels.length;
    const names = Array.from({ length: K }, (_, k) => `r_${group.name}__${term.term}[${k + 1}]`);
    names.forEach((name) => drawsOf(draws, index, name)); // each one there, or the message naming it
    // the draws keep a variable's S draws together, so levels 1 … K stored one after the other already are the K × S
    // block: a view, not a copy (10⁴ levels × 4,000 draws: 320 MB not allocated again)
    const v0 = index.get(names[0]) as number;
    if (K > 0 && names.every((name, k) => index.get(name) === v0 + k)) return draws.values.subarray(v0 * S, (v0 + K) * S);
    const out = new Float64Array(K * S);
    names.forEach((name, k) => out.set(drawsOf(draws, index, name), k * S));
    return out;
  });
  const indexed = (recipe.indexed ?? []).map((term) => {
    const names = indexedColumnNames(recipe.variables, term);
    const columns = names.map((name) => drawsOf(draws, index, `b_${name}`));
    // the cells of the term's factors (levels from the recipe), each to its column as on the training rows
    const factors = term.parts.flatMap((part) => {
      const v = recipe.variables[part.variable].recipe;
      return v.kind === 'factor' ? [{ levels: v.levels.length, dropFirst: part.dropFirst === true }] : [];
    });
    return Array.from(cellCoefficients(factors), (j) => (j >= 0 ? columns[j] : null));
  });
  const aux = family.aux.map((a) => drawsOf(draws, index, a.name));
  const variable = (name: string): Float64Array | null => (index.has(name) ? drawsOf(draws, index, name) : null);
  const spreads = recipe.groups.map((g, k) => {
    const terms = recipe.terms.flatMap((t, i) => (t.group === k ? [i] : []));
    return groupSpread(g.name, terms, terms.map((t) => recipe.terms[t].term), S, variable);
  });
  const use = recipeColumns(recipe).get(TREATMENT_COLUMN);
  return { recipe, nDraws: S, b, r, indexed, treatment: use?.kind === 'numeric' ? TREATMENT_COLUMN : null, family, aux, spreads };
}
