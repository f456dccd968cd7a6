/**
 * The text of a data file, whatever its container and encoding, or one line saying why it is not text nutmeg reads.
 * Reading and gunzip here (Node); the decoding rules are text-bytes.ts's, shared with the browser build.
 *
 * - gzip (magic bytes 1f 8b, e.g. `data.csv.gz`) is decompressed transparently (RFC 1952; node:zlib).
 * - Encodings and refused formats: text-bytes.ts.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { columnarFormatOf, truncatedColumnarOf } from './data-format.js';
import { decodeTextBytes, isGzip } from './text-bytes.js';

export { firstInvalidUtf8, needsTextDecoding } from './text-bytes.js';

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found; check the path`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, not a CSV file`);
    throw new UserError(`${path}: cannot read the file (${code ?? String(e)})`);
  }
}

function gunzip(path: string, bytes: Uint8Array): Buffer {
  try {
    // node:zlib is loaded only for a gzip file (issue 16 item 6: a command loads what it uses)
    return process.getBuiltinModule('node:zlib').gunzipSync(bytes);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`${path}: is gzip-compressed but cannot be decompressed (${reason}); the file is damaged or incomplete`);
  }
}

/**
 * A Parquet or Arrow IPC file inside gzip (`data.parquet.gz`): nutmeg reads those formats only as they are (Parquet
 * compresses its own pages), so the message says to decompress it rather than that it is not CSV text.
 */
function refuseGzippedColumnar(path: string, bytes: Uint8Array): void {
  const head = bytes.subarray(0, 8);
  const tail = bytes.subarray(Math.max(0, bytes.length - 4));
  const format = columnarFormatOf(head, tail, '') ?? truncatedColumnarOf(head, tail);
  if (format === null) return;
  const kind = format === 'parquet' ? 'a Parquet' : 'an Arrow IPC';
  throw new UserError(`${path}: is ${kind} file compressed with gzip; decompress it (gunzip) and give the file itself`);
}

/** The text of the file at `path` (see the module comment); every refusal is a one-line UserError naming the file. */
export function readTextFile(path: string): string {
  let bytes: Uint8Array = readBytes(path);
  if (isGzip(bytes)) {
    bytes = gunzip(path, bytes);
    refuseGzippedColumnar(path, bytes);
  }
  return decodeTextBytes(path, bytes);
}
