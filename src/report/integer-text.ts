/**
 * Integers with comma thousands separators ("4,096"), as toLocaleString('en-US') writes them. Number#toLocaleString
 * initialises ICU's number formatting on its first call, about 60–80 ms of every CLI start when option help texts
 * used it (issue 16 item 6); this is plain string work.
 */
export function groupedInteger(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out === '' ? '' : ',' + out);
  return n < 0 ? '-' + out : out;
}
