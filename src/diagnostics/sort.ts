/**
 * Ascending order of draws by LSD radix sort on the IEEE-754 bit patterns (four 16-bit passes; a pass whose digit
 * is the same for every draw is skipped). Sorting is the costliest step of a summary after the FFTs, and a radix
 * sort gives the permutation (needed for ranks) for the price of sorting the values alone. -0 sorts before +0;
 * callers that detect ties compare values, so the two still tie. Inputs must be free of NaN.
 */
export interface SortedDraws {
  /** order[k] is the index of the k-th smallest draw. */
  readonly order: Uint32Array;
  /** The draws in ascending order. */
  readonly sorted: Float64Array;
}

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;

export function argsortAscending(values: Float64Array): Uint32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const l = bits[2 * i]; // little-endian: low word first
    const h = bits[2 * i + 1];
    // negative numbers: flip all bits; positive: flip the sign bit. Unsigned order then equals numeric order.
    if (h >>> 31) {
      lo[i] = ~l >>> 0;
      hi[i] = ~h >>> 0;
    } else {
      lo[i] = l;
      hi[i] = (h | 0x80000000) >>> 0;
    }
    idx[i] = i;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const count = new Uint32Array(BUCKETS);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi;
    const shift = (pass & 1) * DIGIT_BITS;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i] >>> shift) & DIGIT_MASK]++;
    if (n === 0 || count[(key[0] >>> shift) & DIGIT_MASK] === n) continue;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = count[b];
      count[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[(key[i] >>> shift) & DIGIT_MASK]++;
      lo2[p] = lo[i];
      hi2[p] = hi[i];
      idx2[p] = idx[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

export function sortDraws(values: Float64Array): SortedDraws {
  const order = argsortAscending(values);
  const sorted = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) sorted[k] = values[order[k]];
  return { order, sorted };
}
