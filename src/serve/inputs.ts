/**
 * What a row of POST /score carries, from the model's DesignRecipe: the columns the model reads, except that a derived
 * column (recipe.derived: `recency_z` from `recency`, …) may be sent either raw — its source columns, from which it is
 * computed with the training constants — or as the derived value itself (how older clients call the API). The
 * treatment column is left out (both arms are scored), and so are the sources that only feed it (`segment`).
 */
import { variableColumns, recipeColumns, type ColumnUse } from '../decision/scoring-columns.js';
import type { DerivedColumn, DesignRecipe } from '../model/recipe.js';

export interface DerivedInput {
  readonly column: DerivedColumn;
  /** Its source columns and how they are read. */
  readonly sources: ReadonlyMap<string, ColumnUse>;
}

export interface RequestInputs {
  /** Fields every row must carry. */
  readonly required: ReadonlyMap<string, ColumnUse>;
  /** Derived columns: per row, the derived field or all of its sources (both: they must agree). */
  readonly derived: readonly DerivedInput[];
  /** The raw fields to send, in the model's order (required fields and the sources of derived columns). */
  readonly raw: ReadonlyMap<string, ColumnUse>;
}

export function requestInputs(recipe: DesignRecipe, treatment: string | null): RequestInputs {
  const derivedByName = new Map((recipe.derived ?? []).map((d) => [d.name, d]));
  const required = new Map<string, ColumnUse>();
  const derived: DerivedInput[] = [];
  const raw = new Map<string, ColumnUse>();
  for (const [name, use] of recipeColumns(recipe)) {
    if (name === treatment) continue;
    const d = derivedByName.get(name);
    if (d === undefined) {
      required.set(name, use);
      raw.set(name, use);
      continue;
    }
    const sources = variableColumns(d.recipe);
    derived.push({ column: d, sources });
    for (const [source, sourceUse] of sources) if (!raw.has(source)) raw.set(source, sourceUse);
  }
  return { required, derived, raw };
}
