/**
 * Tables as nutmeg prints them: column names and rows of numbers, strings or null (missing, shown as NA), rendered
 * as an aligned terminal table, GitHub markdown, CSV (RFC 4180) or JSON. Terminal and markdown round numbers to a
 * few significant digits; CSV and JSON keep every digit.
 */

export type Cell = number | string | null;

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export type TableFormat = 'table' | 'markdown' | 'csv' | 'json';

export const TABLE_FORMATS: readonly TableFormat[] = ['table', 'markdown', 'csv', 'json'];

export interface RenderOptions {
  /** Significant digits of numbers in the terminal and markdown forms (default 3). */
  readonly digits?: number;
}

const DEFAULT_DIGITS = 3;

/**
 * A number to `digits` significant digits for reading: exact integers below 10⁶ stay whole (3, not 3.000; 4143, not
 * 4.14e+3), other numbers from 1e-4 up to 1e6 in fixed notation (0.00123, 41434), the rest in scientific notation
 * (1.23e-5, 1.23e+7). NaN and ±Inf print as NaN, Inf and -Inf.
 */
export function formatNumber(x: number, digits: number = DEFAULT_DIGITS): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  // an exact integer (a count, a quantile of counts) below 10⁶ prints whole: 3, not 3.000
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return x.toString();
  // round first, so that 0.99996 counts as 1.00 and not as 1.000
  const rounded = Number(x.toPrecision(Math.max(digits, 1)));
  const ax = Math.abs(rounded);
  if (ax >= 1e6 || ax < 1e-4) return x.toExponential(Math.max(digits - 1, 0));
  if (ax >= 10 ** digits) return Math.round(x).toString();
  const decimals = Math.max(digits - 1 - Math.floor(Math.log10(ax)), 0);
  return rounded.toFixed(Math.min(decimals, 20));
}

function formatCell(c: Cell, digits: number): string {
  if (c === null) return 'NA';
  return typeof c === 'number' ? formatNumber(c, digits) : c;
}

/** A column is numeric (right-aligned) when every non-null cell in it is a number. */
function numericColumns(t: Table): boolean[] {
  return t.columns.map((_, j) => t.rows.every((r) => r[j] === null || typeof r[j] === 'number'));
}

function checkShape(t: Table): void {
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) {
      throw new Error(`table row ${i + 1} has ${r.length} cells for ${t.columns.length} columns`);
    }
  });
}

function renderTerminal(t: Table, digits: number): string {
  const numeric = numericColumns(t);
  const body = t.rows.map((r) => r.map((c) => formatCell(c, digits)));
  // a loop, not Math.max(...column): a column of 10^5+ cells (one per group level) would overflow the stack
  const widths = t.columns.map((name) => name.length);
  for (const r of body) for (let j = 0; j < r.length; j++) if (r[j].length > widths[j]) widths[j] = r[j].length;
  const line = (cells: readonly string[]): string =>
    cells
      .map((s, j) => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(t.columns), ...body.map(line)].join('\n') + '\n';
}

function escapeMarkdown(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function renderMarkdown(t: Table, digits: number): string {
  const numeric = numericColumns(t);
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|${numeric.map((n) => (n ? ' ---: ' : ' :--- ')).join('|')}|`;
  return [row(t.columns), rule, ...t.rows.map((r) => row(r.map((c) => formatCell(c, digits))))].join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvCell(c: Cell): string {
  if (c === null) return 'NA';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : formatNumber(c);
  return csvField(c);
}

/** One line of renderTable's CSV (without its line break): the column names, or a row's cells. */
export function renderCsvLine(cells: readonly Cell[] | readonly string[]): string {
  return cells.map(csvCell).join(',');
}

function renderCsv(t: Table): string {
  return [t.columns.map(csvField).join(','), ...t.rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

/** JSON: an array with one object per row, keyed by column name; null, NaN and ±Inf become null. */
function renderJson(t: Table): string {
  const objects = t.rows.map((r) =>
    Object.fromEntries(t.columns.map((name, j) => {
      const c = r[j];
      return [name, typeof c === 'number' && !Number.isFinite(c) ? null : c];
    })),
  );
  return JSON.stringify(objects, null, 2) + '\n';
}

export function renderTable(t: Table, format: TableFormat = 'table', options: RenderOptions = {}): string {
  checkShape(t);
  const digits = options.digits ?? DEFAULT_DIGITS;
  switch (format) {
    case 'table':
      return renderTerminal(t, digits);
    case 'markdown':
      return renderMarkdown(t, digits);
    case 'csv':
      return renderCsv(t);
    case 'json':
      return renderJson(t);
  }
}
