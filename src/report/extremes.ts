/**
 * Which rows of a long list to show when it is too long to show whole: the group effects of a 10⁵-level term are
 * summarised by their most extreme members (the lowest and the highest posterior means), with a count of the rest.
 * Used by the terminal summary (summary-condense.ts) and the HTML reports' forest plots (src/report/effect-forest.ts).
 */

/**
 * Indices of the `k` smallest and the `k` largest finite values (each index once), ordered by value, lowest first.
 * NaN entries are never chosen. One pass with two small sorted buffers: O(n·k), no sort of the whole list.
 */
export function extremeIndices(values: ArrayLike<number>, k: number): number[] {
  if (k <= 0) return [];
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    insertBounded(low, i, k, (a) => values[a] > v);
    insertBounded(high, i, k, (a) => values[a] < v);
  }
  const chosen = [...new Set([...low, ...high])];
  return chosen.sort((a, b) => values[a] - values[b] || a - b);
}

/** Inserts i into `buffer` (kept ordered, at most k long) before the first entry for which `after` holds. */
function insertBounded(buffer: number[], i: number, k: number, after: (a: number) => boolean): void {
  let at = buffer.length;
  while (at > 0 && after(buffer[at - 1])) at--;
  if (at >= k) return;
  buffer.splice(at, 0, i);
  if (buffer.length > k) buffer.pop();
}
