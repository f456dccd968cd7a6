/**
 * Data in a page: CSV from a string, from bytes (an ArrayBuffer or Uint8Array, gzip included) or from a File, with
 * the same rules and one-line messages as the CLI's CSV reading (src/data/csv-text.ts, src/data/text-bytes.ts).
 */
import { frameFromCsvText, type ReadCsvOptions } from '../data/csv-text.js';
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
