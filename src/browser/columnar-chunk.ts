/**
 * Parquet and Arrow IPC in a page: a bundle of its own, dist/web/columnar.js (scripts/build-browser.mjs), which
 * data.ts imports from beside itself on the first such file, so the library and the worker do not carry apache-arrow
 * and parquet-wasm. A Parquet file is read by the CLI's JavaScript reader (parquet-pages.ts: uncompressed and snappy
 * pages); parquet-wasm's WebAssembly (parquet_wasm_bg.wasm, copied beside the bundles) is fetched from the same folder
 * only for a file with a codec that reader lacks in a page (gzip, brotli, zstd, lz4), and then read by the CLI's
 * fallback (parquet-read.ts parquetWasmFrame, given parquet-wasm's web build where the CLI gives its Node build). An
 * Arrow IPC file needs apache-arrow alone (arrow-read.ts arrowFrame), with the one schema → column type mapping (arrow-schema.ts), so a file gives the same Frame and the
 * same one-line messages in both. Errors cross back as { userError } (this bundle has its own copy of UserError:
 * data.ts rethrows the message as the page's). Its own copy of frame-build.ts too, whose notes on a frame (a CSV's
 * file lines, a block's first row) the library's copy does not see: a whole file is read here, with neither, so the
 * model's messages name its rows as the CLI's do ("rows.parquet, row 17").
 */
import * as arrow from 'apache-arrow';
import initParquet, * as parquetWeb from 'parquet-wasm/esm';
import { arrowFrame } from '../data/arrow-read.js';
import type { ReadCsvOptions } from '../data/csv-text.js';
import type { ColumnarFormat } from '../data/data-format.js';
import type { Frame } from '../data/frame.js';
import { parquetPagesFrame } from '../data/parquet-pages.js';
import { parquetWasmFrame, type ParquetDecoder } from '../data/parquet-read.js';
import { isUserError } from '../errors.js';

const parquet: ParquetDecoder = parquetWeb;

/** parquet-wasm's module, started once per page or worker (retried after a failure). */
let started: Promise<unknown> | undefined;

function startParquet(): Promise<unknown> {
  if (started === undefined) {
    started = initParquet({ module_or_path: new URL('./parquet_wasm_bg.wasm', import.meta.url) });
    started.catch(() => {
      started = undefined;
    });
  }
  return started;
}

/** What readColumnarBytes answers: the Frame, or a user mistake's one-line message. */
export type ColumnarResult = { readonly frame: Frame } | { readonly userError: string };

/** The Frame of a Parquet or Arrow IPC file's bytes; `name` starts every message. */
export async function readColumnarBytes(bytes: Uint8Array, name: string, format: ColumnarFormat, options: ReadCsvOptions = {}): Promise<ColumnarResult> {
  try {
    if (format === 'arrow') return { frame: arrowFrame(name, bytes, arrow, options) };
    const frame = parquetPagesFrame(name, bytes, options);
    if (frame !== null) return { frame };
  } catch (e) {
    if (isUserError(e)) return { userError: e.message };
    throw e;
  }
  // a codec the JavaScript reader lacks here: parquet-wasm, started on first need
  try {
    await startParquet();
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { userError: `${name}: the page could not load its Parquet decoder (parquet_wasm_bg.wasm: ${reason}); save the file as CSV or as Parquet with snappy compression and drop that` };
  }
  try {
    return { frame: parquetWasmFrame(name, bytes, parquet, options) };
  } catch (e) {
    if (isUserError(e)) return { userError: e.message };
    throw e;
  }
}
