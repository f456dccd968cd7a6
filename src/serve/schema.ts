/**
 * The request body of POST /score, built from the model's DesignRecipe: `{ "rows": [ { <column>: value, … } ] }` with
 * one field per data column the model reads (numbers for numeric columns, a known level name for a categorical
 * predictor, any name or number for a grouping factor — unseen groups score with their effect at 0), the
 * treatment column left out (both arms are scored), and an optional `id` echoed back. Fields the model does not
 * read are ignored. Errors name the field: `rows[3].history_z: Invalid input: expected number, received string`.
 */
import { z } from 'zod';
import type { ColumnUse } from '../decision/scoring.js';

/** A validated row: column name → number or level name; `id` when given. */
export type ScoreRow = Record<string, number | string>;

export interface ScoreRequest {
  readonly rows: ScoreRow[];
}

function fieldSchema(use: ColumnUse): z.ZodType {
  switch (use.kind) {
    case 'numeric':
      return z.number();
    case 'factor':
      return z.enum(use.levels as [string, ...string[]]);
    case 'group':
      return z.union([z.string(), z.number()]).transform(String);
  }
}

/** The schema of the body for a model reading `columns` (treatment excluded by the caller), at most `maxRows` rows. */
export function scoreRequestSchema(columns: ReadonlyMap<string, ColumnUse>, maxRows: number): z.ZodType<ScoreRequest> {
  const shape: Record<string, z.ZodType> = { id: z.union([z.string(), z.number()]).optional() };
  for (const [name, use] of columns) shape[name] = fieldSchema(use);
  return z.object({
    rows: z
      .array(z.object(shape))
      .min(1, 'send at least one row')
      .max(maxRows, `at most ${maxRows} rows per request; split the rows over several requests`),
  }) as unknown as z.ZodType<ScoreRequest>;
}

/** `rows[3].history_z: <message>` for the first problem zod found. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${path || 'body'}: ${issue.message}${more}`;
}
