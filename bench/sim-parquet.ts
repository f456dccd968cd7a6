/**
 * Writes the simulated Hillstrom data set (`sim:hillstrom`, the data of `nutmeg fit --rows N`) as a Parquet file of
 * its 12 raw columns, so that the same fit runs through `--data file.parquet` (issue 16): `nutmeg fit --data FILE
 * --model pooled` reads the file, adds the reference analysis's features from it (treatment, recency_z, history_z)
 * exactly as the built-in set does, and fits the same formula on the same numbers as `nutmeg fit --model pooled
 * --rows N --seed S`. Numbers keep their compact types (0/1 flags as UInt8), categorical columns are written
 * dictionary-encoded (as pandas writes a categorical), 2^20 rows per row group, snappy; the file is written a row
 * group at a time (parquet-wasm's transformParquetStream), so only the simulated frame is held whole.
 *
 * OUT ending in .arrow writes an Arrow IPC file of the same columns instead (one record batch; Arrow IPC input).
 *
 *   npx tsx bench/sim-parquet.ts ROWS OUT.parquet|OUT.arrow [SEED=1]
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { Dictionary, Int32, Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { builtinDataset } from '../src/data/datasets.js';

const ROW_GROUP = 1 << 20;

const [rowsText, out, seedText] = process.argv.slice(2);
const rows = Number(rowsText);
const seed = Number(seedText ?? '1');
if (!Number.isInteger(rows) || rows < 1 || out === undefined || !Number.isInteger(seed)) {
  console.error('usage: npx tsx bench/sim-parquet.ts ROWS OUT.parquet|OUT.arrow [SEED=1]');
  process.exit(2);
}
const frame = builtinDataset('hillstrom', seed, rows, false).frame;

/** Rows [from, from + n) of the frame as an Arrow table (categorical codes as dictionary indices, no copy of strings). */
function slice(from: number, n: number): Table {
  const columns: Record<string, ReturnType<typeof makeVector>> = {};
  for (const c of frame.columns.values()) {
    if (c.kind === 'categorical') {
      const type = new Dictionary(new Utf8(), new Int32());
      const dictionary = vectorFromArray(c.levels, new Utf8());
      columns[c.name] = makeVector(makeData({ type, length: n, data: Int32Array.from(c.codes.subarray(from, from + n)), dictionary }));
    } else {
      columns[c.name] = makeVector(c.values.subarray(from, from + n));
    }
  }
  return new Table(columns);
}

if (out.endsWith('.arrow')) {
  writeFileSync(out, tableToIPC(slice(0, rows), 'file'));
  console.log(`${out}: ${rows} rows of sim:hillstrom (seed ${seed}), ${frame.columns.size} columns, Arrow IPC file`);
  process.exit(0);
}

let next = 0;
const batches = new ReadableStream({
  pull(controller) {
    if (next >= rows) {
      controller.close();
      return;
    }
    const n = Math.min(ROW_GROUP, rows - next);
    const table = parquet.Table.fromIPCStream(tableToIPC(slice(next, n), 'stream'));
    next += n;
    for (const batch of table.recordBatches()) controller.enqueue(batch);
  },
});
const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).setMaxRowGroupSize(ROW_GROUP).build();
const bytes = await parquet.transformParquetStream(batches, props);
const file = createWriteStream(out);
for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) file.write(chunk);
await new Promise((resolve) => file.end(resolve));
console.log(`${out}: ${rows} rows of sim:hillstrom (seed ${seed}), ${frame.columns.size} columns`);
