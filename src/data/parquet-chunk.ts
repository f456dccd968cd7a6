/**
 * One column chunk of one row group read page by page into a sink: page headers, decompression (none and snappy
 * here, other codecs through the caller's compressors), definition levels, the page's values by encoding, and only
 * the rows of the range kept.
 */
import type { ColumnMetaData, CompressionCodec, Compressors, DataReader, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import type { ByteSource } from './parquet-byte-source.js';
import { readDictionary, type Dictionary } from './parquet-dictionary.js';
import { definedFlags, fromDecoded, pageValues } from './parquet-page-values.js';
import type { Scratch, Values } from './parquet-scratch.js';
import type { Planned } from './parquet-schema.js';
import type { Sink } from './parquet-sinks.js';
import { snappyDecompress } from './snappy.js';

/** What the reader needs to know about the rows it keeps: [from, to) of the file. */
interface RowRange {
  readonly from: number;
  readonly to: number;
}

/** Hands rows [first, first + n) of the file (a page) to the sink, clipped to the range. */
function deliver(sink: Sink, values: Values, valid: Uint8Array | null, first: number, n: number, range: RowRange): void {
  const from = Math.max(range.from, first);
  const to = Math.min(range.to, first + n);
  if (from >= to) return;
  const skip = from - first;
  const take = to - from;
  let dense = skip;
  if (valid !== null) {
    dense = 0;
    for (let i = 0; i < skip; i++) dense += valid[i];
  }
  const kept = valid === null ? null : valid.subarray(skip, skip + take);
  let count = take;
  if (kept !== null) {
    count = 0;
    for (let i = 0; i < take; i++) count += kept[i];
  }
  sink.append(values.subarray(dense, dense + count), kept, take, from - range.from);
}

export type Decompress = (raw: Uint8Array, size: number) => Uint8Array;

/** Reads column `c`'s chunk of one row group (rows [groupStart, groupStart + groupRows) of the file) into `sink`. */
export function readChunk(
  source: ByteSource,
  meta: ColumnMetaData,
  c: Planned,
  sink: Sink,
  groupStart: number,
  groupRows: number,
  range: RowRange,
  decompress: Decompress,
  compressors: Compressors,
  scratch: Scratch,
): void {
  const first = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const length = Number(meta.total_compressed_size);
  if (!(first >= 0 && length >= 0 && first + length <= source.length)) throw new Error('a column chunk lies outside the file');
  const bytes = source.read(first, length);
  const start = 0;
  const end = length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader: DataReader = { view, offset: start };
  const decoder = { pathInSchema: [c.name], type: meta.type, element: c.element, schemaPath: c.schemaPath, codec: meta.codec, parsers: DEFAULT_PARSERS, compressors };
  let dict: Dictionary | null = null;
  let rows = 0;
  while (rows < groupRows) {
    if (reader.offset >= end) throw new Error(`column "${c.name}" has fewer rows than its row group`);
    const header: PageHeader = parquetHeader(reader);
    const at = reader.offset;
    const raw = bytes.subarray(at, at + header.compressed_page_size);
    reader.offset = at + header.compressed_page_size;
    if (raw.length !== header.compressed_page_size) throw new Error('a page runs past the end of the file');
    if (header.type === 'DICTIONARY_PAGE') {
      const n = header.dictionary_page_header?.num_values ?? 0;
      // (strings: a fresh buffer, since they are read from it while the data pages pass through the scratch; numbers
      // are copied out of the scratch into the dictionary's own)
      const decompressed = meta.codec === 'UNCOMPRESSED' ? raw : decompress(raw, header.uncompressed_page_size);
      const page = c.kind === 'bytes' && decompressed !== raw ? new Uint8Array(decompressed) : decompressed;
      dict = readDictionary(c, page, n, scratch);
      continue;
    }
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header;
      if (daph === undefined) throw new Error('a data page has no header');
      const n = daph.num_values;
      const first = groupStart + rows;
      rows += n;
      if (first >= range.to || first + n <= range.from) continue;
      const page = decompress(raw, header.uncompressed_page_size);
      let valid: Uint8Array | null = null;
      let pos = 0;
      let count = n;
      const walked = daph.encoding === 'PLAIN' || daph.encoding === 'PLAIN_DICTIONARY' || daph.encoding === 'RLE_DICTIONARY' || (daph.encoding === 'RLE' && c.kind === 'boolean');
      if (!walked) {
        const decoded = readDataPage(page, daph, decoder);
        valid = definedFlags(decoded.definitionLevels, n, scratch);
        deliver(sink, fromDecoded(c, decoded.dataPage, scratch), valid, first, n, range);
        continue;
      }
      if (c.optional) {
        const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
        const levelBytes = pageView.getUint32(0, true);
        const flags = scratch.defLevels(n);
        readRleBitPackedHybrid({ view: pageView, offset: 4 }, 1, flags, levelBytes);
        pos = 4 + levelBytes;
        count = 0;
        for (let i = 0; i < n; i++) count += flags[i];
        valid = count === n ? null : flags;
      }
      deliver(sink, pageValues(c, daph.encoding, dict, page, pos, count, scratch), valid, first, n, range);
      continue;
    }
    if (header.type === 'DATA_PAGE_V2') {
      const h2 = header.data_page_header_v2;
      if (h2 === undefined) throw new Error('a data page has no header');
      const n = h2.num_rows;
      const first = groupStart + rows;
      rows += n;
      if (first >= range.to || first + n <= range.from) continue;
      const walked = h2.encoding === 'PLAIN' || h2.encoding === 'PLAIN_DICTIONARY' || h2.encoding === 'RLE_DICTIONARY' || (h2.encoding === 'RLE' && c.kind === 'boolean');
      if (!walked) {
        const decoded = readDataPageV2(raw, header, decoder);
        deliver(sink, fromDecoded(c, decoded.dataPage, scratch), definedFlags(decoded.definitionLevels, n, scratch), first, n, range);
        continue;
      }
      let valid: Uint8Array | null = null;
      const levelsEnd = h2.repetition_levels_byte_length + h2.definition_levels_byte_length;
      let count = n;
      if (c.optional && h2.num_nulls > 0) {
        const flags = scratch.defLevels(n);
        readRleBitPackedHybrid({ view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: h2.repetition_levels_byte_length }, 1, flags, h2.definition_levels_byte_length);
        count = n - h2.num_nulls;
        valid = flags;
      }
      const valuesRaw = raw.subarray(levelsEnd);
      const size = header.uncompressed_page_size - levelsEnd;
      const page = h2.is_compressed === false || size === 0 ? valuesRaw : decompress(valuesRaw, size);
      deliver(sink, pageValues(c, h2.encoding, dict, page, 0, count, scratch), valid, first, n, range);
      continue;
    }
    // index pages and the like: skipped
  }
  if (rows !== groupRows) throw new Error(`column "${c.name}" has more rows than its row group`);
}

/** Codecs read here: none and snappy (snappy.ts); the others — or snappy too — through `compressors` when given. */
export function decompressor(codec: CompressionCodec, compressors: Compressors, scratch: Scratch): Decompress | null {
  if (codec === 'UNCOMPRESSED') {
    return (raw, size) => {
      if (raw.length !== size) throw new Error('an uncompressed page is not its stated size');
      return raw;
    };
  }
  const custom = compressors[codec];
  if (codec === 'SNAPPY' && custom === undefined) {
    return (raw, size) => {
      const out = scratch.bytes(size);
      snappyDecompress(raw, out);
      return out;
    };
  }
  if (custom === undefined) return null;
  return (raw, size) => {
    const out = custom(raw, size);
    if (out.length !== size) throw new Error(`a ${codec} page is not its stated size`);
    return out;
  };
}
