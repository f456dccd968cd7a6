/**
 * The JavaScript Parquet reader (src/data/parquet-pages.ts, snappy.ts) against an independent decoder: every frame is
 * compared with the one parquet-wasm (the Rust `parquet` crate) gives through parquetWasmFrame, value for value and
 * storage type for storage type, over the layouts writers produce — data pages v1 and v2, dictionary and plain
 * pages, DELTA / BYTE_STREAM_SPLIT pages (decoded by hyparquet), snappy, gzip, brotli and no compression, many small
 * pages and row groups, nulls, REQUIRED and OPTIONAL columns. Row ranges (`nutmeg score` reads blocks) give the rows
 * of the whole file; `columns` reads only those; a codec the reader lacks falls back to parquet-wasm, or is one line
 * without it. snappy.ts is checked on blocks built by hand from the format description (expected bytes by
 * construction) and on the pages of a snappy file against hyparquet's decoder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { Bool, Date_, DateUnit, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, Schema, Table, TimestampMillisecond, Uint32, Uint64, Uint8, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { snappyUncompress } from 'hyparquet';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataFile } from '../../src/data/data-file.js';
import type { Frame } from '../../src/data/frame.js';
import { frameRows } from '../../src/data/frame-build.js';
import { parquetPagesFrame } from '../../src/data/parquet-pages.js';
import { parquetRowsFrame, parquetWasmFrame } from '../../src/data/parquet-read.js';
import { LARGE_BUFFER_BYTES, largeAllocator } from '../../src/platform/large-buffer.js';
import { snappyDecompress } from '../../src/data/snappy.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-parquet-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NODE_COMPRESSORS = {
  GZIP: (input: Uint8Array) => zlib.gunzipSync(input),
  BROTLI: (input: Uint8Array) => zlib.brotliDecompressSync(input),
};

interface Layout {
  readonly version?: parquet.WriterVersion;
  readonly compression?: parquet.Compression;
  readonly dictionary?: boolean;
  readonly encoding?: parquet.Encoding;
  readonly groupRows?: number;
  /** Small pages: many per column chunk. */
  readonly pageBytes?: number;
}

function writeParquet(table: Table, name: string, layout: Layout = {}): string {
  let b = new parquet.WriterPropertiesBuilder();
  if (layout.version !== undefined) b = b.setWriterVersion(layout.version);
  if (layout.compression !== undefined) b = b.setCompression(layout.compression);
  if (layout.dictionary !== undefined) b = b.setDictionaryEnabled(layout.dictionary);
  if (layout.encoding !== undefined) b = b.setEncoding(layout.encoding);
  if (layout.groupRows !== undefined) b = b.setMaxRowGroupSize(layout.groupRows);
  if (layout.pageBytes !== undefined) b = b.setDataPageSizeLimit(layout.pageBytes).setWriteBatchSize(4);
  const file = join(dir, name);
  writeFileSync(file, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), b.build()));
  return file;
}

/** A frame as plain values: storage types, values (NaN as 'NaN'), levels and missing rows. */
function plain(frame: Frame): unknown {
  return {
    rows: frame.nRows,
    columns: [...frame.columns.values()].map((c) =>
      c.kind === 'categorical'
        ? { name: c.name, kind: c.kind, levels: c.levels, codes: Array.from(c.codes) }
        : { name: c.name, kind: c.kind, type: c.values.constructor.name, values: Array.from(c.values, (v) => (Number.isNaN(v) ? 'NaN' : v)) },
    ),
    missing: [...frame.missing].map(([name, rows]) => [name, Array.from(rows)]),
  };
}

/** Each row's values by column (a categorical value as its level, a missing one as null): frames of different rows compare. */
function rowsOf(frame: Frame): unknown[][] {
  const cols = [...frame.columns.values()];
  return Array.from({ length: frame.nRows }, (_, r) =>
    cols.map((c) => {
      if (frame.missing.get(c.name)?.includes(r)) return null;
      return c.kind === 'categorical' ? c.levels[c.codes[r]] : c.values[r];
    }),
  );
}

const N = 41;
const pick = <T>(k: number, xs: readonly T[]): T => xs[(k * 7 + 3) % xs.length];
const WORDS = ['alpha', 'beta', 'gamma', 'δέλτα', 'e', 'zeta-zeta-zeta-zeta-zeta'];

/** Every column type nutmeg reads, with nulls in most, over N rows. */
function mixedTable(): Table {
  const k = Array.from({ length: N }, (_, i) => i);
  return new Table({
    i32: vectorFromArray(k.map((i) => (i % 9 === 4 ? null : i * 37 - 700)), new Int32()),
    u32: vectorFromArray(k.map((i) => 3_000_000_000 + i * 11), new Uint32()),
    i8: vectorFromArray(k.map((i) => (i % 5) - 2), new Int8()),
    u8: vectorFromArray(k.map((i) => i % 2), new Uint8()),
    i16: vectorFromArray(k.map((i) => i * 300 - 6000), new Int16()),
    i64: vectorFromArray(k.map((i) => (i % 13 === 6 ? null : BigInt(i) * 5_000_000_000n - 7n)), new Int64()),
    u64: vectorFromArray(k.map((i) => BigInt(i) * 1_000_000_007n), new Uint64()),
    f32: vectorFromArray(k.map((i) => i / 8 - 2), new Float32()),
    f64: vectorFromArray(k.map((i) => (i % 7 === 2 ? null : i / 3 - 5)), new Float64()),
    whole: vectorFromArray(k.map((i) => i % 4), new Float64()),
    b: vectorFromArray(k.map((i) => (i % 11 === 8 ? null : i % 3 === 0)), new Bool()),
    s: vectorFromArray(k.map((i) => (i % 10 === 5 ? null : pick(i, WORDS))), new Utf8()),
    d: vectorFromArray(k.map((i) => (i % 12 === 1 ? null : pick(i + 2, WORDS))), new Dictionary(new Utf8(), new Int32())),
  });
}

/** Columns without nulls declared non-nullable, so the writer makes them REQUIRED (no definition levels). */
function requiredTable(): Table {
  const k = Array.from({ length: N }, (_, i) => i);
  const schema = new Schema([new Field('x', new Float64(), false), new Field('n', new Int32(), false), new Field('g', new Utf8(), false), new Field('f', new Bool(), false)]);
  return new Table(schema, {
    x: vectorFromArray(k.map((i) => i * 1.5 - 3), new Float64()),
    n: vectorFromArray(k.map((i) => i * 1000), new Int32()),
    g: vectorFromArray(k.map((i) => pick(i, WORDS)), new Utf8()),
    f: vectorFromArray(k.map((i) => i % 2 === 1), new Bool()),
  });
}

const LAYOUTS: Record<string, Layout> = {
  'v1 dictionary snappy': { compression: parquet.Compression.SNAPPY },
  'v1 plain uncompressed, small pages and row groups': { dictionary: false, groupRows: 9, pageBytes: 64 },
  'v2 dictionary snappy, small pages': { version: parquet.WriterVersion.V2, compression: parquet.Compression.SNAPPY, pageBytes: 64, groupRows: 16 },
  'v2 plain gzip': { version: parquet.WriterVersion.V2, dictionary: false, compression: parquet.Compression.GZIP },
  'v1 plain brotli, small pages': { dictionary: false, compression: parquet.Compression.BROTLI, pageBytes: 64 },
};

describe('the JavaScript Parquet reader gives parquet-wasm\'s frame', () => {
  for (const [label, layout] of Object.entries(LAYOUTS)) {
    it(label, () => {
      for (const [name, table] of [['mixed', mixedTable()], ['required', requiredTable()]] as const) {
        const file = writeParquet(table, `${name}-${label.replace(/\W+/g, '-')}.parquet`, layout);
        const bytes = readFileSync(file);
        const expected = plain(parquetWasmFrame(file, bytes, parquet));
        const got = parquetPagesFrame(file, bytes, { compressors: NODE_COMPRESSORS });
        expect(got).not.toBeNull();
        expect(plain(got as Frame)).toEqual(expected);
      }
    });
  }

  it('DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and BYTE_STREAM_SPLIT pages (decoded by hyparquet)', () => {
    const k = Array.from({ length: N }, (_, i) => i);
    const ints = new Table({ i32: vectorFromArray(k.map((i) => (i % 9 === 4 ? null : i * 37 - 700)), new Int32()), i64: vectorFromArray(k.map((i) => BigInt(i) * 5_000_000_000n), new Int64()) });
    const strings = new Table({ s: vectorFromArray(k.map((i) => (i % 10 === 5 ? null : pick(i, WORDS))), new Utf8()) });
    const floats = new Table({ f64: vectorFromArray(k.map((i) => (i % 7 === 2 ? null : i / 3 - 5)), new Float64()), f32: vectorFromArray(k.map((i) => i / 8), new Float32()) });
    const cases: [Table, parquet.Encoding][] = [
      [ints, parquet.Encoding.DELTA_BINARY_PACKED],
      [strings, parquet.Encoding.DELTA_LENGTH_BYTE_ARRAY],
      [floats, parquet.Encoding.BYTE_STREAM_SPLIT],
    ];
    for (const [table, encoding] of cases) {
      for (const version of [parquet.WriterVersion.V1, parquet.WriterVersion.V2]) {
        const file = writeParquet(table, `enc-${encoding}-${version}.parquet`, { dictionary: false, encoding, version, pageBytes: 64 });
        const bytes = readFileSync(file);
        expect(plain(parquetPagesFrame(file, bytes) as Frame)).toEqual(plain(parquetWasmFrame(file, bytes, parquet)));
      }
    }
  });
});

describe('rows, columns and codecs', () => {
  const file = writeParquet(mixedTable(), 'ranges.parquet', { groupRows: 9, pageBytes: 64, compression: parquet.Compression.SNAPPY });
  const bytes = readFileSync(file);

  it('a row range gives those rows of the whole file, across pages and row groups', () => {
    const whole = rowsOf(parquetWasmFrame(file, bytes, parquet));
    for (const [offset, limit] of [
      [0, 5],
      [3, 9],
      [8, 2],
      [9, 9],
      [10, 25],
      [30, 100],
      [40, 1],
    ]) {
      const frame = parquetRowsFrame(file, bytes, null, {}, offset, limit);
      expect(rowsOf(frame)).toEqual(whole.slice(offset, offset + limit));
    }
  });

  it('`columns` reads only those columns, as they are in the whole file', () => {
    const whole = plain(parquetWasmFrame(file, bytes, parquet)) as { columns: { name: string }[] };
    const some = plain(parquetPagesFrame(file, bytes, { columns: ['s', 'f64', 'u32'] }) as Frame) as { columns: { name: string }[] };
    expect(some.columns).toEqual(whole.columns.filter((c) => ['u32', 'f64', 's'].includes(c.name)));
  });

  it('a codec the reader lacks goes to parquet-wasm; without it, one line naming the codec', () => {
    const zstd = writeParquet(mixedTable(), 'zstd.parquet', { compression: parquet.Compression.ZSTD });
    const zBytes = readFileSync(zstd);
    expect(parquetPagesFrame(zstd, zBytes)).toBeNull();
    expect(plain(readDataFile(zstd))).toEqual(plain(parquetWasmFrame(zstd, zBytes, parquet)));
    const lz4 = writeParquet(mixedTable(), 'lz4.parquet', { compression: parquet.Compression.LZ4_RAW });
    expect(plain(readDataFile(lz4))).toEqual(plain(parquetWasmFrame(lz4, readFileSync(lz4), parquet)));
    expect(userErrorOf(() => parquetRowsFrame(lz4, readFileSync(lz4), null, {}, 0, 10))).toBe(
      `${lz4}: the file is compressed with LZ4_RAW, which this reader does not decode; write it with snappy compression (or none), or read it with the command-line nutmeg`,
    );
  });

  it('names unsupported Parquet types in Arrow\'s words, in one line', () => {
    const stamps = new Table({ x: vectorFromArray([1, 2], new Float64()), t: vectorFromArray([new Date(0), new Date(1000)], new TimestampMillisecond()) });
    const stampFile = writeParquet(stamps, 'stamps.parquet');
    expect(userErrorOf(() => parquetPagesFrame(stampFile, readFileSync(stampFile)))).toBe(
      `${stampFile}: column "t" has type Timestamp<MILLISECOND>, which nutmeg does not read; ` +
        'convert it to numbers (integer or float), strings or booleans before writing the file, or drop the column',
    );
    const days = new Table({ d: vectorFromArray([new Date(0), new Date(86_400_000)], new Date_(DateUnit.DAY)) });
    const dayFile = writeParquet(days, 'days.parquet');
    expect(userErrorOf(() => parquetPagesFrame(dayFile, readFileSync(dayFile)))).toMatch(new RegExp(`^${dayFile}: column "d" has type Date<DAY>, which nutmeg does not read;`));
    // a column not read is not checked
    expect(parquetPagesFrame(stampFile, readFileSync(stampFile), { columns: ['x'] })?.nRows).toBe(2);
  });
});

/** A typed array's bytes. */
const bytesOf = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * Where two frames differ, bit for bit: each column's name, storage type and bytes, its missing rows, the levels
 * (an empty list when they are the same; Buffer.equals, since a deep comparison of 10⁵-element arrays is slow).
 */
function storageDifferences(a: Frame, b: Frame): string[] {
  const out: string[] = [];
  if (a.nRows !== b.nRows) out.push(`rows ${a.nRows} vs ${b.nRows}`);
  const names = [...a.columns.keys()];
  if (names.join() !== [...b.columns.keys()].join()) out.push('column names');
  for (const name of names) {
    const x = a.columns.get(name);
    const y = b.columns.get(name);
    if (x === undefined || y === undefined) continue;
    const vx = x.kind === 'categorical' ? x.codes : x.values;
    const vy = y.kind === 'categorical' ? y.codes : y.values;
    if (x.kind !== y.kind || vx.constructor !== vy.constructor || !bytesOf(vx).equals(bytesOf(vy))) out.push(`${name}: storage`);
    if (x.kind === 'categorical' && y.kind === 'categorical' && x.levels.join('\u0000') !== y.levels.join('\u0000')) out.push(`${name}: levels`);
    const mx = a.missing.get(name) ?? new Uint32Array(0);
    const my = b.missing.get(name) ?? new Uint32Array(0);
    if (!bytesOf(mx).equals(bytesOf(my))) out.push(`${name}: missing rows`);
  }
  return out;
}

describe('column storage from `allocate` (huge pages from the native addon on the command line)', () => {
  it('holds the same frame, every column in memory from the allocator', () => {
    for (const [label, layout] of Object.entries(LAYOUTS)) {
      const file = writeParquet(mixedTable(), `alloc-${label.replace(/\W+/g, '-')}.parquet`, layout);
      const bytes = readFileSync(file);
      const handed = new Set<ArrayBuffer>();
      const allocate = (n: number): ArrayBuffer => {
        const b = new ArrayBuffer(n);
        handed.add(b);
        return b;
      };
      const plainFrame = parquetPagesFrame(file, bytes, { compressors: NODE_COMPRESSORS }) as Frame;
      const frame = parquetPagesFrame(file, bytes, { compressors: NODE_COMPRESSORS, allocate }) as Frame;
      expect(storageDifferences(frame, plainFrame)).toEqual([]);
      expect(plain(frame)).toEqual(plain(plainFrame));
      for (const c of frame.columns.values()) expect(handed.has((c.kind === 'categorical' ? c.codes : c.values).buffer as ArrayBuffer)).toBe(true);
    }
  });

  // columns of 2 MiB and more, so that the addon maps them (huge pages where the machine gives them)
  const large = largeAllocator();
  it.skipIf(large === null)('the addon\'s memory, from disk (readDataFile) and from bytes: bit for bit the frame of ordinary memory', () => {
    const n = Math.ceil((1.5 * LARGE_BUFFER_BYTES) / 8);
    const k = Array.from({ length: n }, (_, i) => i);
    const table = new Table({
      x: vectorFromArray(k.map((i) => (i % 1001 === 17 ? null : Math.sin(i) * 1e3)), new Float64()),
      w: vectorFromArray(k.map((i) => (i * 7919) % 100_003), new Int32()),
      g: vectorFromArray(k.map((i) => (i % 977 === 5 ? null : pick(i, WORDS))), new Dictionary(new Utf8(), new Int32())),
      f: vectorFromArray(k.map((i) => i % 3 === 0), new Bool()),
    });
    const file = writeParquet(table, 'large.parquet', { compression: parquet.Compression.SNAPPY, groupRows: 150_000 });
    const bytes = readFileSync(file);
    const reference = parquetPagesFrame(file, bytes) as Frame;
    expect(reference.columns.get('x')?.kind).toBe('numeric');
    expect(reference.missing.get('x')?.length).toBeGreaterThan(0);
    expect(reference.missing.get('g')?.length).toBeGreaterThan(0);
    for (const frame of [parquetPagesFrame(file, bytes, { allocate: large ?? undefined }) as Frame, readDataFile(file)]) {
      expect(storageDifferences(frame, reference)).toEqual([]);
    }
    // (the reference itself against parquet-wasm's decoder, on a sample of rows: the values are right, not only alike)
    const wasm = parquetWasmFrame(file, bytes, parquet);
    const sample = Uint32Array.from({ length: 997 }, (_, i) => (i * 7919) % n);
    expect(storageDifferences(frameRows(reference, sample), frameRows(wasm, sample))).toEqual([]);
  });
});

describe('snappy', () => {
  const enc = new TextEncoder();

  it('decodes literals and copies built by hand from the format description', () => {
    // "abcd" as a literal (tag (4-1)<<2), then a 1-byte-offset copy of length 8 at offset 4 (overlapping: repeats
    // "abcd" twice): tag = ((8-4)<<2) | 1 | (offset>>8)<<5, then offset & 0xff
    const block1 = Uint8Array.from([12, (3 << 2) | 0, ...enc.encode('abcd'), ((8 - 4) << 2) | 1, 4]);
    const out1 = new Uint8Array(12);
    snappyDecompress(block1, out1);
    expect(new TextDecoder().decode(out1)).toBe('abcdabcdabcd');
    // a 70-byte literal (length 69 in one extra byte: tag 60<<2), then a 2-byte-offset copy of 20 bytes from offset 70
    // (no overlap: the first 20 bytes again), then a 4-byte-offset copy of 3 bytes from offset 90 (overlapping a run)
    const text = Array.from({ length: 70 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');
    const block2 = Uint8Array.from([
      93, // 70 + 20 + 3
      60 << 2,
      69,
      ...enc.encode(text),
      ((20 - 1) << 2) | 2,
      70,
      0,
      ((3 - 1) << 2) | 3,
      90,
      0,
      0,
      0,
    ]);
    const out2 = new Uint8Array(93);
    snappyDecompress(block2, out2);
    expect(new TextDecoder().decode(out2)).toBe(text + text.slice(0, 20) + text.slice(0, 3));
  });

  it('refuses damaged blocks', () => {
    expect(() => snappyDecompress(Uint8Array.from([5, 4 << 2, 1, 2]), new Uint8Array(5))).toThrow(/literal/);
    expect(() => snappyDecompress(Uint8Array.from([4, 0, 9, (0 << 2) | 1, 5]), new Uint8Array(4))).toThrow(/copy/);
    expect(() => snappyDecompress(Uint8Array.from([3, 0, 9]), new Uint8Array(4))).toThrow(/holds 3 bytes/);
    expect(() => snappyDecompress(Uint8Array.from([3, 0, 9]), new Uint8Array(3))).toThrow(/ends early/);
  });

  it('gives hyparquet\'s bytes for the pages of a snappy file', () => {
    // whole-column pages of mixed content: the file's data between the page headers is what both decoders read
    const file = writeParquet(mixedTable(), 'pages.parquet', { compression: parquet.Compression.SNAPPY, dictionary: false });
    const frame = parquetPagesFrame(file, readFileSync(file), {
      compressors: {
        SNAPPY: (input, size) => {
          const ours = new Uint8Array(size);
          const theirs = new Uint8Array(size);
          snappyDecompress(input, ours);
          snappyUncompress(input, theirs);
          expect(ours).toEqual(theirs);
          return ours;
        },
      },
    });
    expect(frame?.nRows).toBe(N);
  });
});
