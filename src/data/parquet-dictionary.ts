/**
 * Dictionary-encoded Parquet values: a column chunk's dictionary page, and data pages of indices (RLE/bit-packed
 * hybrid) looked up in it — a string entry decoded to its level code once, when a row first uses it.
 */
import type { DataReader } from 'hyparquet';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { plainValues } from './parquet-plain.js';
import type { Scratch, Values } from './parquet-scratch.js';
import type { Planned } from './parquet-schema.js';

/** A column chunk's dictionary: numbers (or 0/1) ready to gather, or the byte ranges of its strings. */
export interface Dictionary {
  readonly size: number;
  readonly numbers: Float64Array | null;
  readonly bytes: Uint8Array | null;
  /** Start and end of entry k at 2k, 2k + 1 (strings). */
  readonly bounds: Int32Array | null;
  /** Level code of entry k once a row used it, else -1 (strings). */
  readonly codes: Int32Array | null;
}

export function readDictionary(c: Planned, page: Uint8Array, n: number, scratch: Scratch): Dictionary {
  if (c.kind === 'bytes') {
    const bounds = new Int32Array(2 * n);
    let p = 0;
    for (let k = 0; k < n; k++) {
      const len = (page[p] | (page[p + 1] << 8) | (page[p + 2] << 16) | (page[p + 3] << 24)) >>> 0;
      if (p + 4 + len > page.length) throw new Error('a dictionary string runs past its page');
      bounds[2 * k] = p + 4;
      bounds[2 * k + 1] = p + 4 + len;
      p += 4 + len;
    }
    return { size: n, numbers: null, bytes: page, bounds, codes: new Int32Array(n).fill(-1) };
  }
  const numbers = scratch.dictionary(n);
  numbers.set(plainValues(c, page, 0, n, scratch));
  return { size: n, numbers, bytes: null, bounds: null, codes: null };
}

/** `n` dictionary indices (bit width byte, then the RLE/bit-packed hybrid) at `page[at…end)`, looked up. */
export function dictionaryValues(c: Planned, dict: Dictionary | null, page: Uint8Array, at: number, end: number, n: number, scratch: Scratch): Values {
  if (dict === null) throw new Error('a dictionary-encoded page has no dictionary');
  const indices = scratch.index(n);
  const width = page[at];
  if (width === 0) indices.fill(0);
  else {
    const reader: DataReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: at + 1 };
    readRleBitPackedHybrid(reader, width, indices, end - at - 1);
  }
  if (dict.codes !== null && dict.bounds !== null && dict.bytes !== null) {
    const out = scratch.int32(n);
    const { codes, bounds, bytes } = dict;
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      if (k >= dict.size) throw new Error('a dictionary index is out of range');
      let code = codes[k];
      if (code < 0) codes[k] = code = c.levels.code(bytes, bounds[2 * k], bounds[2 * k + 1]);
      out[i] = code;
    }
    return out;
  }
  const numbers = dict.numbers as Float64Array;
  const out = scratch.float64(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    if (k >= dict.size) throw new Error('a dictionary index is out of range');
    out[i] = numbers[k];
  }
  return out;
}
