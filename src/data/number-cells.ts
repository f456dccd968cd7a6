/**
 * What a CSV cell is, as far as numbers go: a plain decimal number nutmeg reads, a number it refuses (and why), or
 * text. Type inference (text-columns.ts) uses the class to tell a numeric column with a typo from a categorical
 * column, and messages use the reason to say exactly what is wrong with a cell.
 *
 * A number nutmeg refuses is one a person or another program meant as a number but that is not a finite plain
 * decimal: NaN and infinity in the spellings of R, Python, Excel and C (`NaN`, `Inf`, `-Inf`, `Infinity`, `1.#INF`),
 * a decimal whose magnitude overflows a double (`1e309`; the largest double is about 1.797e308), a comma as decimal
 * point or thousands separator (`1,5`, `1,200`), a percent or currency sign (`12%`, `$4.50`), a hexadecimal, binary
 * or octal literal (`0x10`), and spreadsheet error values (`#DIV/0!`, `#N/A`, …). Everything else that is not a
 * plain decimal is text.
 */

/** Class of a cell: a plain decimal (read as a number), a number nutmeg refuses, or text. */
export type NumberCell = 'decimal' | 'refused' | 'text';

/**
 * The value of a plain decimal number (optional sign, digits with an optional fraction, optional exponent; spaces
 * around allowed), or NaN for anything else: hex, Infinity, words, overflow. Number() parses; a scan of the
 * characters keeps out the forms Number() accepts beyond plain decimals (0x…, 0b…, 0o…, Infinity, blank).
 */
export function parseDecimal(cell: string): number {
  let digits = 0;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 46 && c !== 101 && c !== 69 && c !== 43 && c !== 45 && c !== 32 && c !== 9) return NaN; // . e E + - space tab
  }
  if (digits === 0) return NaN;
  const v = Number(cell);
  return Number.isFinite(v) ? v : NaN;
}

// the spellings of R and Julia (NaN), Python and C (nan, NAN, -nan); not any case, so that a name such as "Nan" is text
const NOT_A_NUMBER = /^[+-]?(NaN|nan|NAN)$/;
const INFINITE = /^[+-]?(inf|infinity|1\.#inf)$/i;
const DECIMAL_SHAPE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// 1,5  ,5  1,200  1,234,567.5  1.234,5
const COMMA_NUMBER = /^[+-]?\d+(,\d+)+(\.\d+)?$|^[+-]?\d*,\d+$|^[+-]?\d{1,3}(\.\d{3})+,\d+$/;
const PERCENT = /^[+-]?(\d+\.?\d*|\.\d+)\s?%$/;
const CURRENCY = /^[+-]?[$€£¥]\s?\d[\d,]*(\.\d+)?$|^[+-]?\d[\d,]*(\.\d+)?\s?[$€£¥]$/;
const RADIX_LITERAL = /^[+-]?0([xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+)$/;
const SPREADSHEET_ERROR = /^#(N\/A|NUM!|DIV\/0!|VALUE!|REF!|NAME\?|NULL!)$/;

/** The class of a non-missing cell (see the module comment). */
export function numberCell(cell: string): NumberCell {
  if (!Number.isNaN(parseDecimal(cell))) return 'decimal';
  return refusedReason(cell.trim()) === null ? 'text' : 'refused';
}

function refusedReason(t: string): string | null {
  if (NOT_A_NUMBER.test(t)) return 'is NaN, not a number';
  if (INFINITE.test(t)) return 'is infinite, not a finite number';
  if (DECIMAL_SHAPE.test(t)) return 'overflows a double (the largest is about 1.8e308)';
  if (COMMA_NUMBER.test(t)) return 'is not a number: it has a comma (write one and a half as 1.5, twelve hundred as 1200)';
  if (PERCENT.test(t)) return 'is not a number: it has a percent sign (write 12% as 12 or 0.12)';
  if (CURRENCY.test(t)) return 'is not a number: it has a currency sign (write $1,200.50 as 1200.5)';
  if (RADIX_LITERAL.test(t)) return 'is not a decimal number (hexadecimal, binary and octal literals are not read)';
  if (SPREADSHEET_ERROR.test(t)) return 'is a spreadsheet error value, not a number';
  return null;
}

/** Why a non-missing cell that is not a plain decimal is not read as a number (the cell itself is quoted by the caller). */
export function notANumberReason(cell: string): string {
  return refusedReason(cell.trim()) ?? 'is not a number';
}
