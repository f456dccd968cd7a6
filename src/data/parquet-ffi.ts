/**
 * Reading record batches that parquet-wasm decoded, straight out of its WebAssembly memory through the Arrow C data
 * interface (ArrowSchema / ArrowArray structs, 32-bit pointers in wasm32), instead of serialising them as an Arrow IPC
 * stream and decoding that again. This module only walks the structs: the schema's columns (name, format string,
 * dictionary) and, per batch, each column's length, offset, null count and buffer addresses; parquet-read.ts turns
 * them into frame columns. No Node imports (a page can use it).
 *
 * Struct layouts (wasm32, https://arrow.apache.org/docs/format/CDataInterface.html):
 *   ArrowSchema: format@0, name@4, metadata@8 (char*), flags@16, n_children@24 (int64), children@32 (ArrowSchema**),
 *                dictionary@36, release@40, private_data@44
 *   ArrowArray:  length@0, null_count@8, offset@16, n_buffers@24, n_children@32 (int64), buffers@40 (void**),
 *                children@44 (ArrowArray**), dictionary@48, release@52, private_data@56
 */

/** A column of the schema. */
export interface FfiField {
  readonly name: string;
  /** The C data format string ("g" float64, "i" int32, "u" utf8, …; a dictionary's index type). */
  readonly format: string;
  /** The format of a dictionary-encoded column's values, else null. */
  readonly dictionaryFormat: string | null;
  /** The format of a nested type's first child (a list's elements), for messages; else null. */
  readonly childFormat: string | null;
}

/** One column of one record batch (or a dictionary's values): addresses in WebAssembly memory. */
export interface FfiArray {
  readonly length: number;
  /** Elements (and validity bits) before the first of this array in its buffers. */
  readonly offset: number;
  /** Nulls in the array (-1: not computed by the producer). */
  readonly nullCount: number;
  /** Address of the validity bitmap, 0 when every value is valid. */
  readonly validity: number;
  /** Addresses of the buffers after the validity bitmap (values; or offsets, then bytes for strings). */
  readonly buffers: readonly number[];
  readonly dictionary: FfiArray | null;
}

const decoder = new TextDecoder();

/** A NUL-terminated string at `ptr`. */
function cString(memory: Uint8Array, ptr: number): string {
  let end = ptr;
  while (memory[end] !== 0) end++;
  return decoder.decode(memory.subarray(ptr, end));
}

function pointers(view: DataView) {
  return {
    ptr: (at: number): number => view.getUint32(at, true),
    int64: (at: number): number => Number(view.getBigInt64(at, true)),
  };
}

/** The fields of a record-batch schema (a struct, format "+s") at `schemaAddr`. */
export function ffiFields(buffer: ArrayBuffer, schemaAddr: number): FfiField[] {
  const bytes = new Uint8Array(buffer);
  const { ptr, int64 } = pointers(new DataView(buffer));
  if (cString(bytes, ptr(schemaAddr)) !== '+s') throw new Error('the decoded schema is not a struct');
  const n = int64(schemaAddr + 24);
  const children = ptr(schemaAddr + 32);
  const fields: FfiField[] = [];
  for (let j = 0; j < n; j++) {
    const child = ptr(children + 4 * j);
    const dictionary = ptr(child + 36);
    const grandChildren = int64(child + 24) > 0 ? ptr(child + 32) : 0;
    fields.push({
      name: cString(bytes, ptr(child + 4)),
      format: cString(bytes, ptr(child)),
      dictionaryFormat: dictionary === 0 ? null : cString(bytes, ptr(dictionary)),
      childFormat: grandChildren === 0 ? null : cString(bytes, ptr(ptr(grandChildren))),
    });
  }
  return fields;
}

function ffiArray(view: DataView, addr: number, extraOffset: number): FfiArray {
  const { ptr, int64 } = pointers(view);
  const nBuffers = int64(addr + 24);
  const buffers = ptr(addr + 40);
  const rest: number[] = [];
  for (let k = 1; k < nBuffers; k++) rest.push(ptr(buffers + 4 * k));
  const dictionary = ptr(addr + 48);
  return {
    length: int64(addr),
    offset: int64(addr + 16) + extraOffset,
    nullCount: int64(addr + 8),
    validity: nBuffers > 0 ? ptr(buffers) : 0,
    buffers: rest,
    dictionary: dictionary === 0 ? null : ffiArray(view, dictionary, 0),
  };
}

/** The columns of the record batch (a struct array) at `arrayAddr`, with its row count. */
export function ffiBatch(buffer: ArrayBuffer, arrayAddr: number): { readonly rows: number; readonly columns: FfiArray[] } {
  const view = new DataView(buffer);
  const { ptr, int64 } = pointers(view);
  const n = int64(arrayAddr + 32);
  const children = ptr(arrayAddr + 44);
  const offset = int64(arrayAddr + 16);
  const columns: FfiArray[] = [];
  for (let j = 0; j < n; j++) columns.push(ffiArray(view, ptr(children + 4 * j), offset));
  return { rows: int64(arrayAddr), columns };
}

/** Whether element `i` of `a` is valid (not null); `bytes` is the WebAssembly memory. */
export function isValid(bytes: Uint8Array, a: FfiArray, i: number): boolean {
  if (a.validity === 0 || a.nullCount === 0) return true;
  const bit = a.offset + i;
  return ((bytes[a.validity + (bit >> 3)] >> (bit & 7)) & 1) === 1;
}
