/**
 * The fast path of Parquet reading (src/data/columnar.ts): when every column of the decoded table is a plain number
 * column without nulls (float64, float32, integers), the columns are copied straight out of parquet-wasm's
 * WebAssembly memory through the Arrow C data interface (ArrowSchema / ArrowArray structs, 32-bit pointers in wasm32),
 * one bulk copy per column and record batch, instead of serialising the table as an Arrow IPC stream and decoding that
 * again. Anything else (strings, dictionaries, booleans, nulls, other types) returns null and the caller takes the IPC
 * path, which handles every type and reports the errors.
 *
 * Struct layouts (wasm32, https://arrow.apache.org/docs/format/CDataInterface.html):
 *   ArrowSchema: format@0, name@4, metadata@8 (char*), flags@16, n_children@24 (int64), children@32 (ArrowSchema**),
 *                dictionary@36, release@40, private_data@44
 *   ArrowArray:  length@0, null_count@8, offset@16, n_buffers@24, n_children@32 (int64), buffers@40 (void**),
 *                children@44 (ArrowArray**), dictionary@48, release@52, private_data@56
 */

/** Element type of a primitive Arrow format string that is read as numbers (int64 through Number). */
const NUMERIC_FORMATS: Readonly<Record<string, { bytes: number; read: (buffer: ArrayBuffer, at: number, n: number) => ArrayLike<number> | BigInt64Array | BigUint64Array }>> = {
  g: { bytes: 8, read: (b, at, n) => new Float64Array(b, at, n) },
  f: { bytes: 4, read: (b, at, n) => new Float32Array(b, at, n) },
  c: { bytes: 1, read: (b, at, n) => new Int8Array(b, at, n) },
  C: { bytes: 1, read: (b, at, n) => new Uint8Array(b, at, n) },
  s: { bytes: 2, read: (b, at, n) => new Int16Array(b, at, n) },
  S: { bytes: 2, read: (b, at, n) => new Uint16Array(b, at, n) },
  i: { bytes: 4, read: (b, at, n) => new Int32Array(b, at, n) },
  I: { bytes: 4, read: (b, at, n) => new Uint32Array(b, at, n) },
  l: { bytes: 8, read: (b, at, n) => new BigInt64Array(b, at, n) },
  L: { bytes: 8, read: (b, at, n) => new BigUint64Array(b, at, n) },
};

/** A NUL-terminated string at `ptr`. */
function cString(memory: Uint8Array, ptr: number): string {
  let end = ptr;
  while (memory[end] !== 0) end++;
  return Buffer.from(memory.buffer, memory.byteOffset + ptr, end - ptr).toString('utf8');
}

export interface NumericColumns {
  readonly names: string[];
  /** Each column's values as float64, all rows of all batches. */
  readonly values: Float64Array[];
}

/**
 * The table's columns as float64, or null when a column is not a primitive number column or holds a null (see the
 * module comment). `schemaAddr` and `arrayAddrs` come from a parquet-wasm FFIStream (Table.toFFI), `buffer` is the
 * WebAssembly memory's buffer (read after decoding: it does not change while this runs).
 */
export function numericColumnsFromFfi(buffer: ArrayBuffer, schemaAddr: number, arrayAddrs: ArrayLike<number>): NumericColumns | null {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  const ptr = (at: number): number => view.getUint32(at, true);
  const int64 = (at: number): number => Number(view.getBigInt64(at, true));
  if (cString(bytes, ptr(schemaAddr)) !== '+s') return null;
  const nColumns = int64(schemaAddr + 24);
  const children = ptr(schemaAddr + 32);
  const names: string[] = [];
  const formats: (typeof NUMERIC_FORMATS)[string][] = [];
  for (let j = 0; j < nColumns; j++) {
    const child = ptr(children + 4 * j);
    const format = NUMERIC_FORMATS[cString(bytes, ptr(child))];
    if (format === undefined || ptr(child + 36) !== 0) return null;
    formats.push(format);
    names.push(cString(bytes, ptr(child + 4)));
  }
  let rows = 0;
  for (let b = 0; b < arrayAddrs.length; b++) {
    const batch = arrayAddrs[b];
    if (int64(batch + 32) !== nColumns) return null;
    const columns = ptr(batch + 44);
    for (let j = 0; j < nColumns; j++) if (int64(ptr(columns + 4 * j) + 8) !== 0) return null;
    rows += int64(batch);
  }
  const values = names.map(() => new Float64Array(rows));
  let base = 0;
  for (let b = 0; b < arrayAddrs.length; b++) {
    const batch = arrayAddrs[b];
    const length = int64(batch);
    const columns = ptr(batch + 44);
    for (let j = 0; j < nColumns; j++) {
      const column = ptr(columns + 4 * j);
      const offset = int64(column + 16);
      const data = ptr(ptr(column + 40) + 4); // buffers[1]: the values (buffers[0]: the validity bitmap)
      const at = data + offset * formats[j].bytes;
      if (at % formats[j].bytes !== 0) return null; // (Arrow buffers are aligned; a typed view needs it)
      const src = formats[j].read(buffer, at, length);
      const out = values[j];
      if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
        for (let i = 0; i < length; i++) out[base + i] = Number(src[i]);
      } else {
        out.set(src, base);
      }
    }
    base += length;
  }
  return { names, values };
}
