/**
 * A data page's non-null values, by encoding: PLAIN (parquet-plain.ts), dictionary (parquet-dictionary.ts) and RLE
 * booleans walked here; the rarer encodings (DELTA_*, BYTE_STREAM_SPLIT, ALP) decoded whole by hyparquet and turned
 * into our kinds; hyparquet's definition levels as 0/1 flags.
 */
import type { DecodedArray } from 'hyparquet';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { dictionaryValues, type Dictionary } from './parquet-dictionary.js';
import { plainValues } from './parquet-plain.js';
import type { Scratch, Values } from './parquet-scratch.js';
import type { Planned } from './parquet-schema.js';

/** A page decoded by hyparquet whole (encodings this module does not walk itself), as values of our kinds. */
export function fromDecoded(c: Planned, data: DecodedArray, scratch: Scratch): Float64Array | Int32Array {
  const n = data.length;
  if (c.kind === 'bytes') {
    const out = scratch.int32(n);
    for (let i = 0; i < n; i++) {
      const s = data[i] as Uint8Array;
      out[i] = c.levels.code(s, 0, s.length);
    }
    return out;
  }
  const out = scratch.float64(n);
  const unsigned = c.kind === 'uint32' || c.kind === 'uint64';
  for (let i = 0; i < n; i++) {
    const v = data[i] as number | bigint | boolean;
    if (typeof v === 'bigint') out[i] = Number(unsigned ? BigInt.asUintN(64, v) : v);
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else out[i] = unsigned ? v >>> 0 : v;
  }
  return out;
}

/** Definition levels decoded by hyparquet (empty when nothing is null) as 0/1 flags, or null when every row has a value. */
export function definedFlags(levels: number[] | undefined, n: number, scratch: Scratch): Uint8Array | null {
  if (levels === undefined || levels.length === 0) return null;
  const flags = scratch.defLevels(n);
  let all = true;
  for (let i = 0; i < n; i++) {
    flags[i] = levels[i] === 1 ? 1 : 0;
    if (flags[i] === 0) all = false;
  }
  return all ? null : flags;
}

/** The `count` non-null values of a walked page (PLAIN, dictionary, or RLE booleans) starting at page[pos]. */
export function pageValues(c: Planned, encoding: string, dict: Dictionary | null, page: Uint8Array, pos: number, count: number, scratch: Scratch): Values {
  if (encoding === 'PLAIN') return plainValues(c, page, pos, count, scratch);
  if (encoding === 'RLE') {
    const out = scratch.int32(count);
    readRleBitPackedHybrid({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: pos }, 1, out);
    return out;
  }
  return dictionaryValues(c, dict, page, pos, page.length, count, scratch);
}
