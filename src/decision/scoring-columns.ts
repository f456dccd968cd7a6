/**
 * The data columns a fitted model reads, and how (numeric, factor with its levels, grouping factor): what scoring
 * and the scoring API ask of the rows they are given.
 */
import { sourceColumns } from '../model/derived.js';
import type { DesignRecipe, VariableRecipe } from '../model/recipe.js';

/** Name of the column that uplift switches between 0 and 1. */
export const TREATMENT_COLUMN = 'treatment';

/** How a model reads a data column. */
export type ColumnUse =
  | { readonly kind: 'numeric' }
  | { readonly kind: 'factor'; readonly levels: readonly string[] }
  /** A grouping factor: any level name; unseen levels score as new groups. */
  | { readonly kind: 'group'; readonly levels: readonly string[] };

function collectLeaves(v: VariableRecipe, out: Map<string, ColumnUse>): void {
  switch (v.kind) {
    case 'numeric':
      if (!out.has(v.column)) out.set(v.column, { kind: 'numeric' });
      return;
    case 'factor':
      out.set(v.column, { kind: 'factor', levels: v.levels });
      return;
    case 'log':
    case 'scale':
    case 'compare':
    case 'poly':
      collectLeaves(v.arg, out);
  }
}

/** The data columns one variable reads, with how. */
export function variableColumns(v: VariableRecipe): Map<string, ColumnUse> {
  const out = new Map<string, ColumnUse>();
  collectLeaves(v, out);
  return out;
}

/** Every data column the model reads (outcome and trials excluded), in first-use order. */
export function recipeColumns(recipe: DesignRecipe): Map<string, ColumnUse> {
  const out = new Map<string, ColumnUse>();
  for (const v of recipe.variables) collectLeaves(v.recipe, out);
  for (const g of recipe.groups) {
    g.columns.forEach((column, j) => {
      if (!out.has(column)) out.set(column, { kind: 'group', levels: [...new Set(g.levelParts.map((parts) => parts[j]))] });
    });
  }
  return out;
}

/**
 * The columns scoring reads of a data file: `needed`, without which a row cannot be scored (the model's columns),
 * and `optional`, used when present — the outcome and trials (for the metrics), the derived columns and their
 * sources (either gives the derived one: src/model/derived.ts) and the treatment column (uplift sets it).
 */
export function scoringColumns(recipe: DesignRecipe): { needed: string[]; optional: string[] } {
  const derived = new Set((recipe.derived ?? []).map((d) => d.name));
  const optional = [recipe.outcome, ...(recipe.trials === null ? [] : [recipe.trials]), TREATMENT_COLUMN, ...derived];
  for (const d of recipe.derived ?? []) sourceColumns(d.recipe, optional);
  const needed = [...recipeColumns(recipe).keys()].filter((c) => !derived.has(c) && c !== TREATMENT_COLUMN);
  return { needed, optional: [...new Set(optional)] };
}
