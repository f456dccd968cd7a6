/**
 * The Parquet readers side by side in one process (issue 16 item 3): CPU time of each way of turning a Parquet file's
 * bytes into a Frame, rounds interleaved so that load drifts hit them alike, plus the Arrow IPC reader on the same
 * table when an .arrow file sits beside the .parquet one.
 *
 *   parquet-wasm, windows   parquetWasmFrame as the reader was: one parquet-wasm call per window of row groups,
 *                           each passing (and copying) the whole file into its WebAssembly memory
 *   parquet-wasm, once      the same with one window: one call per file (the decoded file held whole in wasm memory)
 *   parquet-wasm ParquetFile per window (async)   its ParquetFile API (from a Blob): reads only each window's bytes,
 *                           asynchronously; windows read first, then copied out as above
 *   hyparquet, parquetRead  the library's own API (asynchronous; onChunk: the columns as JavaScript arrays, strings
 *                           as string arrays), into nothing: what its decoding costs before any frame is made
 *   JS pages                parquetPagesFrame: hyparquet's pieces, page by page straight into the frame's columns
 *   JS pages, hyparquet's snappy   the same with hyparquet's snappy instead of snappy.ts
 *   JS pages, N columns     the same, reading only the columns named with --columns
 *   Arrow IPC               readDataFile of FILE.arrow (apache-arrow; the columns are views of the file's bytes)
 *
 *   npx tsx bench/parquet-readers.ts FILE.parquet [--rounds 3] [--columns a,b,c] [--skip wasm-once]
 *   npx tsx bench/parquet-readers.ts --write-floats ROWS OUT.parquet   (10 float64 columns as bench/ingest.bench.ts
 *       makes them, snappy, 2^20 rows a row group, and OUT.arrow beside it)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parquetRead, snappyUncompress } from 'hyparquet';
import * as parquet from 'parquet-wasm/node';
import { readDataFile } from '../src/data/data-file.js';
import type { Frame } from '../src/data/frame.js';
import { parquetPagesFrame } from '../src/data/parquet-pages.js';
import { parquetRowGroups } from '../src/data/parquet-footer.js';
import { WINDOW_ROWS, parquetWasmFrame, parquetWindows, type ParquetDecoder } from '../src/data/parquet-read.js';

const argv = process.argv.slice(2);

function option(name: string): string | undefined {
  const k = argv.indexOf(name);
  return k >= 0 ? argv[k + 1] : undefined;
}

if (argv[0] === '--write-floats') {
  const rows = Number(argv[1]);
  const out = argv[2];
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const cols: Record<string, Float64Array> = {};
  for (let j = 0; j < 10; j++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = Number(((next() - 0.5) * 10 ** (j % 4)).toFixed(6));
    cols[`x${j}`] = values;
  }
  const table = tableFromArrays(cols);
  writeFileSync(out.replace(/\.parquet$/, '.arrow'), tableToIPC(table, 'file'));
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).setMaxRowGroupSize(1 << 20).build();
  writeFileSync(out, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
  console.log(`${out}: ${rows} rows × 10 float64`);
  process.exit(0);
}

const file = argv[0];
const rounds = Number(option('--rounds') ?? '3');
const columns = option('--columns')?.split(',');
const skip = new Set((option('--skip') ?? '').split(',').filter((x) => x !== ''));
const bytes = readFileSync(file);
const arrowFile = file.replace(/\.parquet$/, '.arrow');

function cpuSeconds(c: NodeJS.CpuUsage): number {
  return (c.user + c.system) / 1e6;
}

/** A frame's content in a few numbers, to see that every reader gave the same one. */
function digest(frame: Frame): string {
  let sum = 0;
  for (const c of frame.columns.values()) {
    const v = c.kind === 'categorical' ? c.codes : c.values;
    for (let i = 0; i < v.length; i += 97) sum += Number.isNaN(v[i]) ? 0.5 : v[i];
  }
  return `${frame.nRows}×${frame.columns.size} ${sum.toPrecision(12)}`;
}

type Way = { name: string; run: () => Promise<string> | string };
const ways: Way[] = [
  { name: 'parquet-wasm, windows', run: () => digest(parquetWasmFrame(file, bytes, parquet)) },
  { name: 'parquet-wasm, once per file', run: () => digest(parquetWasmFrame(file, bytes, parquet, {}, { rows: Infinity, bytes: Infinity })) },
  {
    // parquet-wasm's ParquetFile reads only a window's byte ranges (no whole-file copy), but only asynchronously (from a
    // Blob or URL): the windows are read first, then copied out by the same code
    name: 'parquet-wasm ParquetFile per window (async)',
    run: async () => {
      const pf = await parquet.ParquetFile.fromFile(new Blob([bytes]));
      const windows = parquetWindows(parquetRowGroups(bytes), { rows: WINDOW_ROWS, bytes: 0 });
      const tables: parquet.Table[] = [];
      for (const w of windows) tables.push(await pf.read({ rowGroups: w.groups, batchSize: Math.max(1, w.rows) }));
      pf.free();
      let k = 0;
      const decoder = { readParquet: () => tables[k++], wasmMemory: parquet.wasmMemory } as unknown as ParquetDecoder;
      return digest(parquetWasmFrame(file, bytes, decoder, {}, { rows: WINDOW_ROWS, bytes: 0 }));
    },
  },
  {
    name: 'hyparquet, parquetRead (async)',
    run: async () => {
      let n = 0;
      await parquetRead({
        file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        columns,
        onChunk: (chunk) => {
          n += chunk.columnData.length;
        },
      });
      return `${n} values`;
    },
  },
  { name: 'JS pages (parquetPagesFrame)', run: () => digest(parquetPagesFrame(file, bytes) as Frame) },
  {
    name: "JS pages, hyparquet's snappy",
    run: () =>
      digest(
        parquetPagesFrame(file, bytes, {
          compressors: {
            SNAPPY: (input, size) => {
              const out = new Uint8Array(size);
              snappyUncompress(input, out);
              return out;
            },
          },
        }) as Frame,
      ),
  },
];
if (columns !== undefined) ways.push({ name: `JS pages, ${columns.length} columns`, run: () => digest(parquetPagesFrame(file, bytes, { columns }) as Frame) });
if (existsSync(arrowFile)) ways.push({ name: 'Arrow IPC (readDataFile of .arrow)', run: () => digest(readDataFile(arrowFile)) });
const chosen = ways.filter((w) => !skip.has(w.name.split(' ')[0]) && !skip.has(w.name));

const times = new Map<string, number[]>(chosen.map((w) => [w.name, []]));
const digests = new Map<string, string>();
const load0 = loadavg();
for (let r = 0; r < rounds; r++) {
  for (const way of chosen) {
    const c0 = process.cpuUsage();
    const d = await way.run();
    times.get(way.name)?.push(cpuSeconds(process.cpuUsage(c0)));
    digests.set(way.name, d);
  }
}
const rows = Number(/^(\d+)/.exec(digests.get('JS pages (parquetPagesFrame)') ?? '')?.[1] ?? NaN);
console.log(`${file}: ${(bytes.length / 1e6).toFixed(1)} MB, ${rows} rows; ${rounds} rounds interleaved; load ${load0.map((x) => x.toFixed(1)).join(' ')} → ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| reader | CPU s, round 1 | CPU s, median of the rest | M rows/s CPU (median) | result |');
console.log('|---|---:|---:|---:|---|');
for (const way of chosen) {
  const t = times.get(way.name) ?? [];
  const rest = t.slice(1).sort((a, b) => a - b);
  const median = rest.length === 0 ? t[0] : rest[Math.floor((rest.length - 1) / 2)];
  console.log(`| ${way.name} | ${t[0].toFixed(3)} | ${median.toFixed(3)} | ${(rows / median / 1e6).toFixed(2)} | ${digests.get(way.name)} |`);
}
