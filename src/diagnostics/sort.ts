/**
 * Ascending order of draws by radix sort on the IEEE-754 bit patterns. Sorting is the costliest step of a summary
 * after the FFTs, and a radix sort gives the permutation (needed for ranks) for the price of sorting the values.
 * The draws are first sorted by the high 32 bits of their keys (three 11-bit LSD passes, whose 2048-bucket
 * histograms stay in cache); draws of a continuous posterior rarely share those, so the runs that do are then
 * finished by their low 32 bits, by insertion sort when short and by more LSD passes when long. -0 sorts before +0; callers that detect ties compare values, so the
 * two still tie. Inputs must be free of NaN.
 */
export interface SortedDraws {
  /** order[k] is the index of the k-th smallest draw. */
  readonly order: Uint32Array;
  /** The draws in ascending order. */
  readonly sorted: Float64Array;
}

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
/** Runs of equal high words up to this long are finished by insertion sort. */
const INSERTION_RUN = 32;

/**
 * Stable LSD passes over positions [from, to) of (key, other, idx) by the 32-bit key, using the scratch arrays
 * of the same length; the sorted result ends up back in the first three arrays.
 */
function radixPasses32(
  key: Uint32Array, other: Uint32Array, idx: Uint32Array,
  key2: Uint32Array, other2: Uint32Array, idx2: Uint32Array,
  count: Uint32Array, from: number, to: number,
): void {
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    count.fill(0);
    for (let i = from; i < to; i++) count[(key[i] >>> shift) & DIGIT_MASK]++;
    let start = from;
    for (let b = 0; b < BUCKETS; b++) {
      const c = count[b];
      count[b] = start;
      start += c;
    }
    for (let i = from; i < to; i++) {
      const p = count[(key[i] >>> shift) & DIGIT_MASK]++;
      key2[p] = key[i];
      other2[p] = other[i];
      idx2[p] = idx[i];
    }
    // copy back so that the caller's arrays hold the result after each pass
    key.set(key2.subarray(from, to), from);
    other.set(other2.subarray(from, to), from);
    idx.set(idx2.subarray(from, to), from);
  }
}

/** Key and scratch arrays, kept for the last length sorted (every variable of a fit has the same length). */
let work: { lo: Uint32Array; hi: Uint32Array; lo2: Uint32Array; hi2: Uint32Array; idx2: Uint32Array } | null = null;

function workArrays(n: number): NonNullable<typeof work> {
  if (work?.lo.length !== n) {
    work = {
      lo: new Uint32Array(n), hi: new Uint32Array(n), lo2: new Uint32Array(n), hi2: new Uint32Array(n),
      idx2: new Uint32Array(n),
    };
  }
  return work;
}

/** Sorts the draws; the sorted values are rebuilt from the sorted keys (sequential writes, no gather). */
export function sortDraws(values: Float64Array): SortedDraws {
  const n = values.length;
  // little-endian: the low word of draw i is bits[2i], the high word bits[2i + 1]
  const bits = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const w = workArrays(n);
  let { lo, hi } = w;
  // the order is returned, so it gets a fresh array (it may end up in either of idx and idx2)
  const result = new Uint32Array(n);
  let idx: Uint32Array = result;
  for (let i = 0; i < n; i++) {
    const l = bits[2 * i];
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
  let { lo2, hi2, idx2 } = w;
  const count = new Uint32Array(BUCKETS);
  // histograms of the three high-word digits in one pass (a digit's histogram does not depend on the order)
  const histograms = new Uint32Array(3 * BUCKETS);
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    histograms[h & DIGIT_MASK]++;
    histograms[BUCKETS + ((h >>> DIGIT_BITS) & DIGIT_MASK)]++;
    histograms[2 * BUCKETS + ((h >>> (2 * DIGIT_BITS)) & DIGIT_MASK)]++;
  }
  // sort by the high word (a pass whose digit is the same for every draw is skipped)
  for (let shift = 0, pass = 0; shift < 32; shift += DIGIT_BITS, pass++) {
    count.set(histograms.subarray(pass * BUCKETS, (pass + 1) * BUCKETS));
    if (n === 0 || count[(hi[0] >>> shift) & DIGIT_MASK] === n) continue;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = count[b];
      count[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[(hi[i] >>> shift) & DIGIT_MASK]++;
      hi2[p] = hi[i];
      lo2[p] = lo[i];
      idx2[p] = idx[i];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [idx, idx2] = [idx2, idx];
  }
  // finish each run of equal high words by the low word
  let runStart = 0;
  while (runStart < n) {
    const h = hi[runStart];
    let runEnd = runStart + 1;
    while (runEnd < n && hi[runEnd] === h) runEnd++;
    if (runEnd - runStart > INSERTION_RUN) {
      radixPasses32(lo, hi, idx, lo2, hi2, idx2, count, runStart, runEnd);
    } else {
      for (let i = runStart + 1; i < runEnd; i++) {
        const l = lo[i];
        const ix = idx[i];
        let j = i - 1;
        while (j >= runStart && lo[j] > l) {
          lo[j + 1] = lo[j];
          idx[j + 1] = idx[j];
          j--;
        }
        lo[j + 1] = l;
        idx[j + 1] = ix;
      }
    }
    runStart = runEnd;
  }
  // undo the key transform
  const sorted = new Float64Array(n);
  const out = new Uint32Array(sorted.buffer);
  for (let k = 0; k < n; k++) {
    const h = hi[k];
    if (h >>> 31) {
      out[2 * k] = lo[k];
      out[2 * k + 1] = (h & 0x7fffffff) >>> 0;
    } else {
      out[2 * k] = ~lo[k] >>> 0;
      out[2 * k + 1] = ~h >>> 0;
    }
  }
  if (idx !== result) result.set(idx);
  return { order: result, sorted };
}
