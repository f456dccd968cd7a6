/**
 * Data in a page: CSV from a string, from bytes (an ArrayBuffer or Uint8Array, gzip included) or from a File, with
 * the same rules and one-line messages as the CLI's CSV reading (src/data/csv-text.ts, src/data/text-bytes.ts); and
 * Parquet and Arrow IPC files (told by their bytes, src/data/data-format.ts) through columnar.js, a bundle beside this
 * one that is fetched on the first such file (columnar-chunk.ts): apache-arrow and parquet-wasm's glue are ~100 KB
 * gzipped and parquet-wasm's WebAssembly 1.6 MB, four times the library's whole budget of 400 KB.
 */
import { frameFromCsvText, type ReadCsvOptions } from '../data/csv-text.js';
import { columnarFormatOf, refuseTruncatedColumnar, type ColumnarFormat } from '../data/data-format.js';
import type { Frame } from '../data/frame.js';
import { decodeTextBytes, isGzip } from '../data/text-bytes.js';
import { UserError } from '../errors.js';

type ColumnarChunk = typeof import('./columnar-chunk.js');

/** The Frame of CSV text; `name` (a file or data set name) starts every message. */
export function readCsvText(text: string, name = 'data', options: ReadCsvOptions = {}): Frame {
  return frameFromCsvText(name, text, options);
}

/** gzip through the platform's DecompressionStream (RFC 1952). */
async function gunzip(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError(`${name}: is gzip-compressed but cannot be decompressed (${reason}); the file is damaged or incomplete`);
  }
}

/** The Frame of a CSV file's bytes (UTF-8, UTF-16 with a byte-order mark, or gzip of either). */
export async function readCsvBytes(bytes: ArrayBuffer | Uint8Array, name = 'data', options: ReadCsvOptions = {}): Promise<Frame> {
  let view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (isGzip(view)) view = await gunzip(name, view);
  return frameFromCsvText(name, decodeTextBytes(name, view), options);
}

/** A File (or Blob with a name), e.g. one dropped on the page. */
export async function readCsvFile(file: Blob & { readonly name?: string }, options: ReadCsvOptions = {}): Promise<Frame> {
  return readCsvBytes(await file.arrayBuffer(), file.name ?? 'data', options);
}

/** The columnar bundle, dist/web/columnar.js beside this one (scripts/build-browser.mjs), loaded on first use. */
function columnarChunk(): Promise<ColumnarChunk> {
  // a URL esbuild does not follow: the chunk stays a file of its own, fetched from this bundle's folder
  const url = new URL('./columnar.js', import.meta.url).href;
  return import(/* @vite-ignore */ url) as Promise<ColumnarChunk>;
}

/** The Frame of a Parquet or Arrow IPC file's bytes, read by the columnar bundle (columnar-chunk.ts). */
async function readColumnar(bytes: Uint8Array, name: string, format: ColumnarFormat, options: ReadCsvOptions): Promise<Frame> {
  let chunk: ColumnarChunk;
  try {
    chunk = await columnarChunk();
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError(`${name}: the page could not load its Parquet/Arrow reader (columnar.js: ${reason}); save the file as CSV and drop that`);
  }
  const result = await chunk.readColumnarBytes(bytes, name, format, options);
  if ('userError' in result) throw new UserError(result.userError);
  return result.frame;
}

/** The Frame of a data file's bytes in a page: Parquet and Arrow IPC by their bytes (readColumnar), else CSV as readCsvBytes. */
export async function readDataBytes(bytes: ArrayBuffer | Uint8Array, name = 'data', options: ReadCsvOptions = {}): Promise<Frame> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const head = view.subarray(0, 8);
  const tail = view.subarray(Math.max(0, view.length - 4));
  refuseTruncatedColumnar(name, head, tail);
  const format = columnarFormatOf(head, tail, name);
  if (format !== null) return readColumnar(view, name, format, options);
  return readCsvBytes(view, name, options);
}
