/**
 * The derived columns of a DesignRecipe (e.g. `recency_z` = (recency − training mean) / training sd, `treatment` =
 * [segment != "No E-Mail"]) computed for rows to score, always with the constants recorded at fit time, so a row's
 * derived values — and so its score — do not depend on the other rows scored with it.
 *
 * Rules, per derived column D with source columns S:
 * - S given, D not: D is computed from S.
 * - D given, S not: D is used as given (the caller computed it; this is how runs were scored before).
 * - both given: every given D must equal the one computed from S (to 1e-9, relative; an indicator exactly), else an
 *   error names the row — a D standardized on the scored file instead of the training data is refused, not used.
 *   The computed values are used.
 * - neither: an error naming S and D, unless D is in `optional` (scoring's treatment column: both arms are scored).
 */
import type { Frame } from '../data/frame.js';
import { asFloat64, columnAsNumbers, numericColumn, rowLocation, withColumns } from '../data/frame-build.js';
import { UserError } from '../errors.js';
import { evaluateVariable, type DerivedColumn, type DesignRecipe, type VariableRecipe } from './recipe.js';

/** The data columns a variable reads. */
export function sourceColumns(recipe: VariableRecipe, out: string[] = []): string[] {
  if (recipe.kind === 'numeric' || recipe.kind === 'factor') {
    if (!out.includes(recipe.column)) out.push(recipe.column);
  } else {
    sourceColumns(recipe.arg, out);
  }
  return out;
}

/** "(recency − 5.76345) / 3.50787, the training mean and sd" or "1 where segment != "No E-Mail", else 0". */
export function describeDerivation(d: DerivedColumn): string {
  const r = d.recipe;
  if (r.kind === 'scale') {
    const source = sourceColumns(r)[0];
    return `(${source} − ${r.center}) / ${r.scale}, the training data's mean and sd`;
  }
  if (r.kind === 'compare') return `1 where ${sourceColumns(r)[0]} ${r.op} ${JSON.stringify(r.value)}, else 0`;
  return d.label;
}

/** Whether a derived value given by the caller agrees with the one computed from its source. */
function agrees(given: number, computed: number): boolean {
  return Math.abs(given - computed) <= 1e-9 * Math.max(1, Math.abs(computed));
}

/** `frame` with every derived column of `recipe` computed from its sources by the rules above. */
export function withDerivedColumns(recipe: DesignRecipe, frame: Frame, optional: ReadonlySet<string> = new Set()): Frame {
  let out = frame;
  for (const d of recipe.derived ?? []) {
    const sources = sourceColumns(d.recipe);
    const given = frame.columns.get(d.name);
    const hasSources = sources.every((s) => frame.columns.has(s));
    if (!hasSources) {
      if (given !== undefined || optional.has(d.name)) continue;
      throw new UserError(
        `${frame.source} has no column ${sources.map((s) => `"${s}"`).join(', ')}, from which the model computes "${d.name}" ` +
          `as ${describeDerivation(d)}; give "${sources.join('", "')}" (or "${d.name}" itself)`,
      );
    }
    const evaluated = evaluateVariable(d.recipe, frame, `column "${d.name}" = ${d.label}`);
    if (evaluated.kind !== 'numeric') throw new Error(`derived column "${d.name}" is not numeric`);
    const computed = asFloat64(evaluated.values);
    if (given !== undefined) {
      const values = columnAsNumbers(given);
      for (let i = 0; i < computed.length; i++) {
        if (values === null || !agrees(values[i], computed[i])) {
          const shown = values === null || given.kind === 'categorical' ? 'not a number' : String(values[i]);
          throw new UserError(
            `${rowLocation(frame, i)}: column "${d.name}" is ${shown}, but the model computes it from ` +
              `"${sources.join('", "')}" as ${describeDerivation(d)}, which gives ${computed[i]}; ` +
              `leave "${d.name}" out (it is computed for you) or fix it`,
          );
        }
      }
    }
    out = withColumns(out, [numericColumn(d.name, computed)]);
  }
  return out;
}
