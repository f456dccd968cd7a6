/**
 * Reusable work arrays for the per-variable statistics: every variable of a fit has the same number of draws, so a
 * buffer of one length, kept between calls, saves allocating (and zeroing) several large arrays per variable.
 * Each caller owns a named slot and must not hold on to its array after returning; contents are not cleared.
 */
const slots = new Map<string, Float64Array>();

/** A Float64Array of length n owned by `slot` (the same one as last time when n is unchanged). */
export function scratchArray(slot: string, n: number): Float64Array {
  let a = slots.get(slot);
  if (a?.length !== n) {
    a = new Float64Array(n);
    slots.set(slot, a);
  }
  return a;
}

const indexSlots = new Map<string, Uint32Array>();

/** A Uint32Array of length n owned by `slot` (the same one as last time when n is unchanged). */
export function scratchIndexArray(slot: string, n: number): Uint32Array {
  let a = indexSlots.get(slot);
  if (a?.length !== n) {
    a = new Uint32Array(n);
    indexSlots.set(slot, a);
  }
  return a;
}
