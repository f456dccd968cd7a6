/**
 * The request body of POST /score, built from the model's DesignRecipe (src/serve/inputs.ts): `{ "rows": [ { <column>:
 * value, … } ] }` with one field per data column the model reads (numbers for numeric columns, a known level name for
 * a categorical predictor, any name or number for a grouping factor — unseen levels are scored by `new_levels`),
 * a derived column either raw (its sources, e.g. `recency`) or derived (`recency_z`), the treatment column left out
 * (both arms are scored), and an optional `id` echoed back. Fields the model does not read are ignored. Beside `rows`,
 * optional `new_levels` (zero, sample or uncertainty: how rows at unseen group levels are scored,
 * src/decision/new-levels.ts) and `seed` (of those draws). Errors name the field: `rows[3].history: Invalid input:
 * expected number, received string`, `new_levels: must be zero, sample or uncertainty, got "gaussian"`.
 */
import { z } from 'zod';
import { NEW_LEVEL_MODES, type NewLevelMode } from '../decision/new-levels.js';
import type { ColumnUse } from '../decision/scoring-columns.js';
import { numberLevel } from '../model/factor.js';
import type { RequestInputs } from './inputs.js';

/** A validated row: column name → number or level name; `id` when given. */
export type ScoreRow = Record<string, number | string>;

function fieldSchema(use: ColumnUse): z.ZodType {
  switch (use.kind) {
    case 'numeric':
      return z.number();
    case 'factor': {
      const levels = z.enum(use.levels as [string, ...string[]]);
      // factor() of a numeric column names its levels by number ("2"): a JSON number names the same level
      const numeric = use.levels.every((l) => numberLevel(Number(l)) === l);
      return numeric ? z.preprocess((v) => (typeof v === 'number' ? numberLevel(v) : v), levels) : levels;
    }
    case 'group':
      return z.union([z.string(), z.number()]).transform(String);
  }
}

/** Whether a row carries field `name` (own property; JSON has no undefined). */
function has(row: ScoreRow, name: string): boolean {
  return Object.hasOwn(row, name);
}

/** A problem with a request: where (a path into the body) and what. */
interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Per row, each derived column needs its own field or all of its sources; and every row of a request must carry the
 * same of these optional fields, so that each becomes one column.
 */
function derivedFieldsProblem(rows: readonly ScoreRow[], inputs: RequestInputs): Problem | null {
  const optional: string[] = [];
  for (const { column, sources } of inputs.derived) {
    const names = [...sources.keys()];
    for (const name of [column.name, ...names]) if (!inputs.required.has(name) && !optional.includes(name)) optional.push(name);
    for (let i = 0; i < rows.length; i++) {
      if (has(rows[i], column.name)) continue;
      const absent = names.find((name) => !has(rows[i], name));
      if (absent === undefined) continue;
      return {
        path: ['rows', i, absent],
        message: `required (the model computes "${column.name}" from ${names.map((n) => `"${n}"`).join(', ')}; or send "${column.name}" itself)`,
      };
    }
  }
  for (const name of optional) {
    const first = has(rows[0], name);
    const i = rows.findIndex((row) => has(row, name) !== first);
    if (i < 0) continue;
    return {
      path: ['rows', i],
      message: `${first ? 'has no' : 'has a'} field "${name}" but rows[0] ${first ? 'has' : 'has not'}; send the same fields in every row of a request`,
    };
  }
  return null;
}

/** Rows validated per slice, so that a large request leaves room for others between slices. */
const ROWS_PER_SLICE = 500;

export interface ScoreRequestValidator {
  /**
   * The rows of a valid body, or the message of its first problem (`rows[3].history: …`); `pause` is awaited between
   * slices of rows.
   */
  validate(body: unknown, pause?: () => Promise<void>): Promise<ValidRequest | { readonly message: string }>;
}

/** A valid request: its rows, and the new-level mode and seed when given. */
export interface ValidRequest {
  readonly rows: ScoreRow[];
  readonly newLevels?: NewLevelMode;
  readonly seed?: number;
}

/** The validator of the body for a model reading `inputs` (treatment excluded), at most `maxRows` rows. */
export function scoreRequestValidator(inputs: RequestInputs, maxRows: number): ScoreRequestValidator {
  const shape: Record<string, z.ZodType> = { id: z.union([z.string(), z.number()]).optional() };
  for (const [name, use] of inputs.raw) shape[name] = inputs.required.has(name) ? fieldSchema(use) : fieldSchema(use).optional();
  for (const { column } of inputs.derived) shape[column.name] = z.number().optional();
  const rowsSchema = z.array(z.object(shape));
  const envelope = z.object({
    rows: z
      .array(z.unknown())
      .min(1, 'send at least one row')
      .max(maxRows, `at most ${maxRows} rows per request; split the rows over several requests`),
    new_levels: z
      .enum(NEW_LEVEL_MODES as [NewLevelMode, ...NewLevelMode[]], { error: (issue) => `must be zero, sample or uncertainty, got ${JSON.stringify(issue.input)}` })
      .optional(),
    seed: z
      .number({ error: 'must be a whole number from 0 to 2^53 − 1' })
      .int({ error: 'must be a whole number from 0 to 2^53 − 1' })
      .min(0, { error: 'must be a whole number from 0 to 2^53 − 1' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'must be a whole number from 0 to 2^53 − 1' })
      .optional(),
  });
  return {
    async validate(body, pause) {
      const outer = envelope.safeParse(body);
      if (!outer.success) return { message: describeIssue(outer.error) };
      const all = outer.data.rows;
      const rows: ScoreRow[] = [];
      for (let i0 = 0; i0 < all.length; i0 += ROWS_PER_SLICE) {
        if (i0 > 0 && pause) await pause();
        const slice = rowsSchema.safeParse(all.slice(i0, i0 + ROWS_PER_SLICE));
        if (!slice.success) return { message: describeIssue(slice.error, ['rows'], i0) };
        for (const row of slice.data) rows.push(row as ScoreRow);
      }
      const problem = derivedFieldsProblem(rows, inputs);
      if (problem) return { message: `${formatPath(problem.path)}: ${problem.message}` };
      return { rows, newLevels: outer.data.new_levels, seed: outer.data.seed };
    },
  };
}

/** The fields of the rows of a valid request: the required ones and the optional ones that rows[0] (so every row) has. */
export function requestColumns(rows: readonly ScoreRow[], inputs: RequestInputs): Map<string, ColumnUse> {
  const out = new Map(inputs.required);
  for (const { column, sources } of inputs.derived) {
    if (has(rows[0], column.name)) out.set(column.name, { kind: 'numeric' });
    for (const [name, use] of sources) if (has(rows[0], name)) out.set(name, use);
  }
  return out;
}

/** Where a request body has a key named __proto__, constructor or prototype, if anywhere: "rows[0]" or "body". */
export function forbiddenKey(body: unknown): { key: string; at: string } | null {
  // iterative: a deeply nested body must not overflow the stack
  const stack: { value: unknown; at: string }[] = [{ value: body, at: '' }];
  while (stack.length > 0) {
    const { value, at } = stack.pop() as { value: unknown; at: string };
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], at: `${at}[${i}]` });
      continue;
    }
    const keys = Object.keys(value);
    const bad = keys.find((k) => FORBIDDEN_KEYS.has(k));
    if (bad !== undefined) return { key: bad, at: at === '' ? 'body' : at };
    for (let k = keys.length - 1; k >= 0; k--) {
      stack.push({ value: (value as Record<string, unknown>)[keys[k]], at: at === '' ? keys[k] : `${at}.${keys[k]}` });
    }
  }
  return null;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `rows[3].history_z` for ['rows', 3, 'history_z']; `body` for the empty path. */
function formatPath(path: readonly PropertyKey[]): string {
  const text = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  return text || 'body';
}

/**
 * `rows[3].history_z: <message>` for the first problem zod found; `prefix` and `offset` place a slice of the rows
 * (its issue at [k, …] is at [...prefix, offset + k, …] in the body).
 */
export function describeIssue(error: z.ZodError, prefix: readonly PropertyKey[] = [], offset = 0): string {
  const issue = error.issues[0];
  const inner = prefix.length > 0 && typeof issue.path[0] === 'number' ? [offset + issue.path[0], ...issue.path.slice(1)] : issue.path;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${formatPath([...prefix, ...inner])}: ${issue.message}${more}`;
}
