/**
 * Data in a page: CSV from a string, from bytes (an ArrayBuffer or Uint8Array, gzip included) or from a File, with
 * the same rules and one-line messages as the CLI's CSV reading (src/data/csv-text.ts, src/data/text-bytes.ts).
 * Parquet and Arrow IPC are refused with a one-line message saying what to do: the CLI reads them with parquet-wasm
 * and apache-arrow, and parquet-wasm's WebAssembly alone is 1.6 MB gzipped (4.95 MB raw), four times the browser
 * build's whole budget of 400 KB.
 */
import { frameFromCsvText, type ReadCsvOptions } from '../data/csv-text.js';
import { columnarFormatOf } from '../data/data-format.js';
import type { Frame } from '../data/frame.js';
import { decodeTextBytes, isGzip } from '../data/text-bytes.js';
import { UserError } from '../errors.js';

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

/** The one-line refusal of a Parquet or Arrow file in a page, or null for bytes that are neither. */
export function columnarRefusal(bytes: Uint8Array, name: string): string | null {
  const format = columnarFormatOf(bytes.subarray(0, 8), bytes.subarray(Math.max(0, bytes.length - 4)), name);
  if (format === null) return null;
  const what = format === 'parquet' ? 'a Parquet file' : 'an Arrow IPC file';
  return `${name}: is ${what}, which the page does not read (its decoder would quadruple the page's size); save it as CSV and drop that, or fit it with the CLI: nutmeg fit --data ${name}`;
}

/** The Frame of a data file's bytes in a page: CSV as readCsvBytes; Parquet and Arrow IPC refused (columnarRefusal). */
export async function readDataBytes(bytes: ArrayBuffer | Uint8Array, name = 'data', options: ReadCsvOptions = {}): Promise<Frame> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const refusal = columnarRefusal(view, name);
  if (refusal !== null) throw new UserError(refusal);
  return readCsvBytes(view, name, options);
}
