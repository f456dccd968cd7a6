/**
 * The one reader of decimal numbers spelled in bytes: the double a plain decimal stands for, exactly as Number()
 * reads its text (the correctly rounded value), without making a string in the common case. The CSV fast path
 * (csv-fast.ts) and the draws files' scan (src/io/draws-csv-scan.ts) both read their cells with readDecimal. No Node
 * imports (the Number() fallback takes a Node Buffer's text where the bytes are one: faster than a loop, session 11).
 *
 * A plain decimal is an optional sign, digits with an optional decimal mark (the point, or the comma of a file
 * written with decimal commas: csv-dialect.ts) and fraction digits (at least one digit in all), and an optional
 * exponent (e or E, an optional sign, digits); its value is Number() of its text with the mark written as a point.
 *
 * readDecimal reads a cell of at most 9 digits without an exponent as an integer m in 32-bit arithmetic divided by
 * 10^(digits after the mark): m and 10^k (k ≤ 9) are exact doubles, so the quotient is correctly rounded (Clinger,
 * "How to read floating point numbers accurately", PLDI 1990, the fast path). A cell of 17 significant digits or
 * more is Number() of its text at once (its m is at least 10^16 > 2^53). Other cells go to decimalBytes: the
 * digits read again as one integer m and a decimal exponent e; when m < 2^53 and |e| ≤ 22, m and 10^|e| are exact
 * doubles and m × 10^e or m / 10^−e is one correctly rounded operation (Clinger again); anything else (17 significant
 * digits, large exponents, subnormals) is Number() of the text.
 *
 * Why m < 2^53 tells that m was read exactly although it is accumulated in doubles (m ← 10m + d): every step is
 * exact while the true value stays below 2^53, and rounding is monotone and the steps never decrease m, so once the
 * true value reaches 2^53 the computed one is at least 2^53 from then on. (A per-digit test "10m + d > 2^53" is not
 * enough: 2^53 + 1 rounds to 2^53 and passes it.)
 */

/** 10^k for k = 0 … 22, each an exact double. */
export const POW10: Float64Array = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/** The byte of the decimal point, the default mark. */
export const POINT = 46;

const TWO_53 = 2 ** 53;
/** 1 or −1 by the sign's index. */
const SIGN = Float64Array.of(1, -1);

/** Node's Buffer, where there is one. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * Reads the plain decimal that starts at bytes[from] and ends at the first byte that cannot continue it, with
 * `mark` (a byte) as its decimal mark: writes Number() of it to out[at] and returns where it ends; -1 when none
 * starts there (no digit, or an exponent without digits) or when it overflows a double (`1e999`: the readers leave
 * such cells to their full parsers). Out-of-range reads end a number, so a cell may end the bytes.
 */
export function readDecimal(bytes: Uint8Array, from: number, mark: number, out: Float64Array, at: number): number {
  let p = from;
  let c = bytes[p] | 0;
  // (no branch on the sign: it is a coin flip in real data, and a mispredicted branch per cell cost a fifth of the
  // CSV scan, session 11)
  const negative = +(c === 45);
  p += negative;
  c = bytes[p] | 0;
  if (c === 43 && negative === 0) c = bytes[++p] | 0;
  // the digits before and after the mark as one integer (32-bit arithmetic: exact for up to 9 digits; longer cells
  // are read again by decimalBytes, so a wrapped m is never used); d = byte − '0', a digit when 0 ≤ d ≤ 9 (one
  // unsigned comparison; `| 0` makes a read past the end a non-digit)
  const intStart = p;
  let m = 0;
  let d = c - 48;
  while (d >>> 0 < 10) {
    m = (m * 10 + d) | 0;
    d = (bytes[++p] | 0) - 48;
  }
  let digits = p - intStart;
  let fraction = 0;
  if (d === mark - 48) {
    const fracStart = ++p;
    d = (bytes[p] | 0) - 48;
    while (d >>> 0 < 10) {
      m = (m * 10 + d) | 0;
      d = (bytes[++p] | 0) - 48;
    }
    fraction = p - fracStart;
    digits += fraction;
  }
  if (digits === 0) return -1;
  c = d + 48;
  if (c === 101 || c === 69) {
    c = bytes[++p] | 0;
    if (c === 45 || c === 43) c = bytes[++p] | 0;
    const expStart = p;
    while (c >= 48 && c <= 57) c = bytes[++p] | 0;
    if (p === expStart) return -1;
  } else if (digits <= 9) {
    out[at] = (m / POW10[fraction]) * SIGN[negative]; // (exact negation; −0 as Number('-0'))
    return p;
  }
  const v = longDecimal(bytes, from, intStart, p, digits, mark);
  if (v - v !== 0) return -1; // (±Infinity)
  out[at] = v;
  return p;
}

/**
 * Number() of a cell readDecimal does not read at once: bytes[from, to), whose `digits` digits start at `digitsFrom`.
 * (Apart from readDecimal, which V8 then inlines into the scanners' loops.)
 */
function longDecimal(bytes: Uint8Array, from: number, digitsFrom: number, to: number, digits: number, mark: number): number {
  // 17 significant digits or more: m ≥ 10^16 > 2^53, so Number() of the text without reading the digits again
  // (shortest round-trip output, such as the draws files', is mostly such cells)
  let zeros = 0;
  for (let i = digitsFrom; i < to; i++) {
    const b = bytes[i];
    if (b === 48) zeros++;
    else if (b !== mark) break;
  }
  return digits - zeros >= 17 ? decimalText(bytes, from, to, mark) : decimalBytes(bytes, from, to, mark);
}

/**
 * Number() of the plain decimal spelled by bytes[from, to) with decimal mark `mark` (see the module comment; the
 * shape is the caller's to check: other bytes give an unspecified value). Non-finite when the magnitude overflows a
 * double, as Number().
 */
export function decimalBytes(bytes: Uint8Array, from: number, to: number, mark = POINT): number {
  const v = exactDecimalBytes(bytes, from, to, mark);
  return v === v ? v : decimalText(bytes, from, to, mark);
}

/** Number() of the text of bytes[from, to), its mark written as a point. */
function decimalText(bytes: Uint8Array, from: number, to: number, mark: number): number {
  const text = asciiText(bytes, from, to);
  return Number(mark === POINT ? text : text.replace(String.fromCharCode(mark), '.'));
}

/**
 * The value of the plain decimal bytes[from, to) when Clinger's fast path reads it (m < 2^53, |e| ≤ 22), else NaN:
 * then decimalBytes takes Number() of the text.
 */
export function exactDecimalBytes(bytes: Uint8Array, from: number, to: number, mark = POINT): number {
  let p = from;
  let c = bytes[p];
  let negative = false;
  if (c === 45) {
    negative = true;
    c = bytes[++p];
  } else if (c === 43) c = bytes[++p];
  let m = 0;
  let exp10 = 0;
  while (c >= 48 && c <= 57) {
    m = m * 10 + (c - 48);
    c = bytes[++p];
  }
  if (c === mark) {
    c = bytes[++p];
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      exp10--;
      c = bytes[++p];
    }
  }
  if (c === 101 || c === 69) {
    c = bytes[++p];
    let expNegative = false;
    if (c === 45) {
      expNegative = true;
      c = bytes[++p];
    } else if (c === 43) c = bytes[++p];
    let e = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48); // (beyond ±22 Number() decides; the bound keeps e an integer)
      c = bytes[++p];
    }
    exp10 += expNegative ? -e : e;
  }
  if (m < TWO_53 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
    return negative ? -v : v;
  }
  return NaN;
}

/** The text of the ASCII bytes[from, to). */
function asciiText(bytes: Uint8Array, from: number, to: number): string {
  if (NodeBuffer !== undefined && bytes instanceof NodeBuffer) return bytes.toString('latin1', from, to);
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
