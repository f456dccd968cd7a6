/** What the Parquet reader's decoders hand to the sinks, and the growable scratch arrays of one read. */

/**
 * A page's non-null values as the sinks take them: numbers always as float64, 0/1 and level codes as int32, so that
 * each sink's loops see one array type (several types at one loop made it megamorphic: 40% of the CPU of a read).
 */
export type Values = Float64Array | Int32Array;

/** Growable scratch arrays of one read (no module-level state). */
export class Scratch {
  page = new Uint8Array(0);
  aligned = new ArrayBuffer(0);
  defs = new Uint8Array(0);
  indices = new Uint32Array(0);
  numbers = new Float64Array(0);
  codes = new Int32Array(0);
  entries = new Float64Array(0);
  bytes(n: number): Uint8Array {
    if (this.page.length < n) this.page = new Uint8Array(Math.max(n, 2 * this.page.length));
    return this.page.subarray(0, n);
  }
  alignedBuffer(n: number): ArrayBuffer {
    if (this.aligned.byteLength < n) this.aligned = new ArrayBuffer(Math.max(n, 2 * this.aligned.byteLength));
    return this.aligned;
  }
  defLevels(n: number): Uint8Array {
    if (this.defs.length < n) this.defs = new Uint8Array(Math.max(n, 2 * this.defs.length));
    return this.defs.subarray(0, n);
  }
  index(n: number): Uint32Array {
    if (this.indices.length < n) this.indices = new Uint32Array(Math.max(n, 2 * this.indices.length));
    return this.indices.subarray(0, n);
  }
  float64(n: number): Float64Array {
    if (this.numbers.length < n) this.numbers = new Float64Array(Math.max(n, 2 * this.numbers.length));
    return this.numbers.subarray(0, n);
  }
  /** A numeric dictionary's values (one column chunk's, reused by the next: fresh memory costs more than the copy). */
  dictionary(n: number): Float64Array {
    if (this.entries.length < n) this.entries = new Float64Array(Math.max(n, 2 * this.entries.length));
    return this.entries.subarray(0, n);
  }
  int32(n: number): Int32Array {
    if (this.codes.length < n) this.codes = new Int32Array(Math.max(n, 2 * this.codes.length));
    return this.codes.subarray(0, n);
  }
}
