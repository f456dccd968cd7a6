/**
 * Largest and smallest of a list by a loop. `Math.max(...values)` passes every value as a call argument, which
 * overflows the stack (RangeError) somewhere past ~10^5 values — one per level of a large grouping factor.
 */

/** The largest value, or `empty` for an empty list (NaN values are skipped). */
export function maxOf(values: ArrayLike<number>, empty = -Infinity): number {
  let m = -Infinity;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > m) m = v;
    if (v === v) any = true;
  }
  return any ? m : empty;
}

/** The smallest value, or `empty` for an empty list (NaN values are skipped). */
export function minOf(values: ArrayLike<number>, empty = Infinity): number {
  let m = Infinity;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < m) m = v;
    if (v === v) any = true;
  }
  return any ? m : empty;
}
