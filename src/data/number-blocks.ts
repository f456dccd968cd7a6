/**
 * Numeric CSV columns stored compactly as the streaming reader (csv-fast.ts) reads them, block by block (issue 16
 * item 2); see NumberBlocks.
 */
import type { NumericValues } from './frame.js';
import { compactValues, joinedType } from './frame-build.js';
import { type Allocate, LARGE_BUFFER_BYTES } from '../platform/large-buffer.js';

/** Rows per block of the column store below. */
export const BLOCK_ROWS = 1 << 16;

/** Where the data lines of the file are, to estimate its rows from the bytes read so far. */
export interface FileExtent {
  /** Offset of the first data line. */
  readonly bodyStart: number;
  readonly size: number;
}

/**
 * Columns stored compactly as they are read (issue 16 item 2). The scanner writes each column's values into
 * `values[j]`, a window of BLOCK_ROWS rows; `flush` ends a block. A column starts in blocks: its window is a reused
 * float64 scratch block, and each full block is narrowed (compactValues: 0/1 flags and small integers as bytes…) and
 * kept; the blocks are joined at the end into one array of the widest type any block needed. The first block that
 * stays float64 fixes the column's type (joinedType), so from then on (given an allocator and a large enough file)
 * the column lives in one float64 store sized from the bytes per row read so far, with a margin (grown if the
 * estimate falls short): the blocks so far are copied in, and each later window is the next BLOCK_ROWS rows of the
 * store itself. A block written in place is still checked as compactValues would: when it is all small whole numbers,
 * a −0 in it becomes 0, as narrowing it would have made it, so the frame is bit for bit the one of blocks alone.
 */
export class NumberBlocks {
  /** The window each column's current block is written to; `fill` rows of it are written. */
  readonly values: Float64Array[];
  fill = 0;
  /** Per column, 1 once a cell's whole part had a leading zero (scanLines). */
  readonly leadingZero: Uint8Array;
  /** Rows of the blocks before the current one. */
  private done = 0;
  /** Per column, 1 once its numbers are not needed (kill). */
  private readonly dead: Uint8Array;
  private readonly scratch: Float64Array[];
  private readonly blocks: NumericValues[][];
  /** Per column, its float64 store once it has one. */
  private readonly stores: (Float64Array | null)[];
  constructor(
    width: number,
    private readonly allocate: Allocate | null,
    private readonly extent: FileExtent,
  ) {
    this.scratch = Array.from({ length: width }, () => new Float64Array(BLOCK_ROWS));
    this.values = this.scratch.slice();
    this.blocks = Array.from({ length: width }, () => []);
    this.stores = Array.from({ length: width }, () => null);
    this.leadingZero = new Uint8Array(width);
    this.dead = new Uint8Array(width);
  }

  /**
   * Column j's numbers are not needed (a text column, or one with a cell that is no number): its blocks and store
   * are dropped, and from now on its window is the scratch block, written and never kept.
   */
  kill(j: number): void {
    this.dead[j] = 1;
    this.blocks[j] = [];
    this.stores[j] = null;
    this.values[j] = this.scratch[j];
  }

  /** Ends the current block; `at` is the file offset the next row starts at; `last` when no row follows. */
  flush(at: number, last: boolean): void {
    const rows = this.fill;
    if (rows === 0) return;
    for (let j = 0; j < this.values.length; j++) {
      if (this.dead[j] !== 0) continue;
      const store = this.stores[j];
      if (store !== null) {
        const block = store.subarray(this.done, this.done + rows);
        if (compactValues(block) !== block) for (let i = 0; i < rows; i++) if (block[i] === 0) block[i] = 0; // −0 → 0
        continue;
      }
      const block = this.scratch[j].subarray(0, rows);
      const kept = compactValues(block);
      if (kept !== block) this.blocks[j].push(kept);
      else if (!last && this.startStore(j, block, at)) continue;
      else this.blocks[j].push(block.slice());
    }
    this.done += rows;
    this.fill = 0;
    if (last) return;
    for (let j = 0; j < this.values.length; j++) {
      let store = this.stores[j];
      if (store === null) continue;
      if (this.done + BLOCK_ROWS > store.length) {
        const bigger = this.float64(Math.max(this.capacity(at), Math.ceil(store.length * 1.25)));
        bigger.set(store.subarray(0, this.done));
        store = this.stores[j] = bigger;
      }
      this.values[j] = store.subarray(this.done, this.done + BLOCK_ROWS);
    }
  }

  /** Column j, all rows, in the widest type its blocks needed. */
  column(j: number, n: number): NumericValues {
    this.flush(0, true);
    const store = this.stores[j];
    if (store !== null) return store.length === n ? store : store.subarray(0, n);
    const blocks = this.blocks[j];
    const wide = joinedType(blocks);
    if (blocks.length === 1 && blocks[0].constructor === wide) return blocks[0];
    // (in huge-page memory when the native addon provides it: first writes to fresh 4 KiB pages cost as much CPU as
    // the scan; src/platform/large-buffer.ts)
    const allocate = this.allocate;
    const out = allocate === null ? new wide(n) : new wide(allocate(n * wide.BYTES_PER_ELEMENT), 0, n);
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    this.blocks[j] = [];
    return out;
  }

  /** Moves column j into a float64 store, its blocks so far and `block` (the current one) copied in; false when not worth it. */
  private startStore(j: number, block: Float64Array, at: number): boolean {
    if (this.allocate === null) return false;
    const capacity = this.capacity(at);
    if (capacity * 8 < LARGE_BUFFER_BYTES) return false;
    const store = this.float64(capacity);
    let k = 0;
    for (const b of this.blocks[j]) {
      store.set(b, k);
      k += b.length;
    }
    store.set(block, k);
    this.stores[j] = store;
    this.blocks[j] = [];
    return true;
  }

  /**
   * Rows a store needs for the whole file, estimated from the rows read so far (done + fill) and their bytes (`at`:
   * where the next row starts), with a margin of 1/16 and two blocks.
   */
  private capacity(at: number): number {
    const read = Math.max(1, at - this.extent.bodyStart);
    const estimate = ((this.done + this.fill) * this.extent.size) / read;
    return Math.ceil(estimate * 1.0625) + 2 * BLOCK_ROWS;
  }

  private float64(length: number): Float64Array {
    return new Float64Array((this.allocate as Allocate)(length * 8), 0, length);
  }
}

