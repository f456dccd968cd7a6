/**
 * Ascending order of draws by radix sort on the IEEE-754 bit patterns. Sorting is the costliest step of a summary
 * after the autocovariances, and a radix sort gives the permutation (needed for ranks) for the price of sorting the
 * values. The draws move as whole doubles (with their indices) through three 11-bit LSD passes keyed on the high
 * 32 bits of their order-preserving key (sign bit flipped for positive numbers, all bits for negative ones); the
 * digit histograms of all three passes come from one pass, and a pass whose digit is the same for every draw is
 * skipped. Draws of a continuous posterior rarely share their high 32 bits, and a run that does (all of one sign)
 * is finished by comparing the doubles themselves: insertion sort when short, LSD passes on the low word when long.
 * The sort is stable; -0 sorts before +0 (callers that detect ties compare values, so the two still tie).
 * Inputs must be free of NaN.
 */
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, workSlot } from './workspace.js';

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

/** The order-preserving key of a 32-bit word whose sign bit is the double's: flip all bits if negative, else the sign. */
function keyOf(word: number): number {
  return (word ^ ((word >> 31) | 0x80000000)) >>> 0;
}

/** Work arrays of a sort of n draws: a second copy of draws (with its words) and indices, and the digit counts. */
interface SortWork {
  readonly values: Float64Array;
  readonly words: Uint32Array;
  readonly idx: Uint32Array;
  readonly count: Uint32Array;
}

const SORT_WORK: WorkSlot<SortWork> = workSlot('sortDraws', (n) => {
  const values = new Float64Array(n);
  return { values, words: new Uint32Array(values.buffer), idx: new Uint32Array(n), count: new Uint32Array(3 * BUCKETS) };
});

/**
 * Stable LSD passes over positions [from, to) of (values, idx) by the low word's key, a run of draws of one sign
 * sharing their high word; (values2, idx2) is scratch of the same length; the result ends up in the first pair.
 */
function sortRunByLowWord(
  values: Float64Array, idx: Uint32Array, values2: Float64Array, idx2: Uint32Array, count: Uint32Array,
  from: number, to: number,
): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  const flip = words[2 * from + 1] >>> 31 ? 0xffffffff : 0; // a negative number's low word is flipped too
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    count.fill(0, 0, BUCKETS);
    for (let i = from; i < to; i++) count[(((words[2 * i] ^ flip) >>> 0) >>> shift) & DIGIT_MASK]++;
    if (count[(((words[2 * from] ^ flip) >>> 0) >>> shift) & DIGIT_MASK] === to - from) continue;
    let start = from;
    for (let b = 0; b < BUCKETS; b++) {
      const c = count[b];
      count[b] = start;
      start += c;
    }
    for (let i = from; i < to; i++) {
      const p = count[(((words[2 * i] ^ flip) >>> 0) >>> shift) & DIGIT_MASK]++;
      values2[p] = values[i];
      idx2[p] = idx[i];
    }
    values.set(values2.subarray(from, to), from);
    idx.set(idx2.subarray(from, to), from);
  }
}

/**
 * Sorts the draws (NaN-free): their ascending values and the permutation that gives them. `out`, when given (arrays
 * of the draws' length), receives the result instead of new arrays; `ws` holds the work arrays.
 */
export function sortDraws(values: Float64Array, out?: SortedDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): SortedDraws {
  const n = values.length;
  if (out && (out.sorted.length !== n || out.order.length !== n)) throw new RangeError('sortDraws: out has the wrong length');
  const sorted = out?.sorted ?? new Float64Array(n);
  const order = out?.order ?? new Uint32Array(n);
  const w = ws.get(SORT_WORK, n);
  const count = w.count;
  // little-endian: the high word of draw i is words[2i + 1]
  const inWords = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  count.fill(0);
  for (let i = 0; i < n; i++) {
    const k = keyOf(inWords[2 * i + 1]);
    count[k & DIGIT_MASK]++;
    count[BUCKETS + ((k >>> DIGIT_BITS) & DIGIT_MASK)]++;
    count[2 * BUCKETS + (k >>> (2 * DIGIT_BITS))]++;
  }
  const firstKey = n > 0 ? keyOf(inWords[1]) : 0;
  const active: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    if (n > 0 && count[pass * BUCKETS + ((firstKey >>> (pass * DIGIT_BITS)) & DIGIT_MASK)] !== n) active.push(pass);
  }
  // ping-pong between (sorted, order) and the scratch pair, arranged so that the last pass writes (sorted, order)
  const sortedWords = new Uint32Array(sorted.buffer, sorted.byteOffset, 2 * n);
  let src = values;
  let srcWords = inWords;
  let srcIdx: Uint32Array | null = null; // null: the identity (the draws as given)
  let toResult = active.length % 2 === 1;
  for (const pass of active) {
    const dst = toResult ? sorted : w.values;
    const dstIdx = toResult ? order : w.idx;
    const shift = pass * DIGIT_BITS;
    const base = pass * BUCKETS;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = count[base + b];
      count[base + b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[base + ((keyOf(srcWords[2 * i + 1]) >>> shift) & DIGIT_MASK)]++;
      dst[p] = src[i];
      dstIdx[p] = srcIdx === null ? i : srcIdx[i];
    }
    src = dst;
    srcWords = toResult ? sortedWords : w.words;
    srcIdx = dstIdx;
    toResult = !toResult;
  }
  if (active.length === 0) {
    sorted.set(values);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  // finish each run of equal high words by the values themselves
  let runStart = 0;
  while (runStart < n) {
    const h = sortedWords[2 * runStart + 1];
    let runEnd = runStart + 1;
    while (runEnd < n && sortedWords[2 * runEnd + 1] === h) runEnd++;
    if (runEnd - runStart > INSERTION_RUN) {
      sortRunByLowWord(sorted, order, w.values, w.idx, count, runStart, runEnd);
    } else {
      for (let i = runStart + 1; i < runEnd; i++) {
        const v = sorted[i];
        const ix = order[i];
        let j = i - 1;
        while (j >= runStart && sorted[j] > v) {
          sorted[j + 1] = sorted[j];
          order[j + 1] = order[j];
          j--;
        }
        sorted[j + 1] = v;
        order[j + 1] = ix;
      }
    }
    runStart = runEnd;
  }
  return out ?? { order, sorted };
}
