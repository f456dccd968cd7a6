/**
 * The double a plain decimal number spelled in bytes stands for, exactly as Number() reads its text (the correctly
 * rounded value), without making a string in the common case. No Node built-ins (a page may use it).
 *
 * A plain decimal is an optional sign, digits with an optional point and fraction digits (at least one digit in all),
 * and an optional exponent (e or E, an optional sign, digits); the CSV fast path (csv-fast.ts) checks that shape and
 * reads short cells itself, and hands the others here. The digits are read as one integer m and a decimal exponent
 * e; when m < 2^53 and |e| ≤ 22, m and 10^|e| are exact doubles and m × 10^e or m / 10^−e is one correctly rounded
 * operation, so it is the nearest double to the decimal (Clinger, "How to read floating point numbers accurately",
 * PLDI 1990, the fast path). Anything else (17 significant digits, large exponents, subnormals) is Number() of the
 * text.
 *
 * Why m < 2^53 tells that m was read exactly although it is accumulated in doubles (m ← 10m + d): every step is
 * exact while the true value stays below 2^53, and rounding is monotone and the steps never decrease m, so once the
 * true value reaches 2^53 the computed one is at least 2^53 from then on.
 */

/** 10^k for k = 0 … 22, each an exact double. */
export const POW10: Float64Array = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

const TWO_53 = 2 ** 53;

/**
 * Number(text) of the plain decimal spelled by bytes[from, to) (see the module comment; the shape is the caller's
 * to check: other bytes give an unspecified value). Non-finite when the magnitude overflows a double, as Number().
 */
export function decimalBytes(bytes: Uint8Array, from: number, to: number): number {
  const v = exactDecimalBytes(bytes, from, to);
  return v === v ? v : Number(latin1(bytes, from, to));
}

/**
 * The value of the plain decimal bytes[from, to) when Clinger's fast path reads it (m < 2^53, |e| ≤ 22), else NaN:
 * then the caller takes Number() of the text (a Node Buffer makes that text faster than a loop: csv-fast.ts).
 */
export function exactDecimalBytes(bytes: Uint8Array, from: number, to: number): number {
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
  if (c === 46) {
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

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
