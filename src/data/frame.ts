/**
 * A Frame is a table of typed columns, as read from CSV or made by a simulator. No per-row objects.
 * Row indices are 0-based data rows; messages shown to users add the header line (file line = row + 2).
 */
/**
 * The storage of a numeric column: float64 where the values need it; a column of small integers (0/1 flags, counts,
 * codes) is held in the narrowest integer array that holds every value exactly (compactValues in frame-build.ts), so
 * that 10⁷ rows fit in little memory. Read values by index (all are exact as numbers); asFloat64 gives a float64 view.
 */
export type NumericValues = Float64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: NumericValues;
  /** Set when the column was computed from another column of its frame (e.g. a standardized copy). */
  readonly derivation?: ColumnDerivation;
}

/**
 * How a derived column was computed, with the constants learned from the frame it was made on, so that a model fitted
 * to it can compute the same column for new rows (src/model/derived.ts) instead of re-learning them from the new rows.
 */
export type ColumnDerivation =
  /** (column − center) / scale. */
  | { readonly kind: 'standardize'; readonly column: string; readonly center: number; readonly scale: number }
  /** 1 where the categorical column compares so with `level` (== or !=), else 0. */
  | { readonly kind: 'indicator'; readonly column: string; readonly op: '==' | '!='; readonly level: string };

/**
 * The level codes of a categorical column, in the narrowest array that holds them (issue 16 item 2): bytes for up to
 * 256 levels, Uint16 for up to 65,536, else Uint32 — one fewer when a cell is missing, since a missing cell's code is
 * the type's largest value (0xff, 0xffff, 0xffffffff; frame-build.ts levelCodesType, missingCode). A code at or
 * above `levels.length` is a missing cell.
 */
export type LevelCodes = Uint8Array | Uint16Array | Uint32Array;

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  /** 0-based index into `levels` for every row (LevelCodes: a code ≥ levels.length marks a missing cell). */
  readonly codes: LevelCodes;
  /** Level names; sorted as strings unless the caller gave an order. */
  readonly levels: string[];
}

export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly name: string;
  /** 0 or 1 per row. */
  readonly values: Uint8Array;
}

export type Column = NumericColumn | CategoricalColumn | BooleanColumn;

export interface Frame {
  readonly nRows: number;
  /** Columns in file order. */
  readonly columns: ReadonlyMap<string, Column>;
  /** Rows (0-based) whose cell was empty or NA, per column; absent when the column has none. */
  readonly missing: ReadonlyMap<string, Uint32Array>;
  /** Where the data came from, for messages: a file path or e.g. "simulated hillstrom (seed 1)". */
  readonly source: string;
}
