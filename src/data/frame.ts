/**
 * A Frame is a table of typed columns, as read from CSV or made by a simulator. No per-row objects.
 * Row indices are 0-based data rows; messages shown to users add the header line (file line = row + 2).
 */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  /** 0-based index into `levels` for every row. */
  readonly codes: Uint32Array;
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
