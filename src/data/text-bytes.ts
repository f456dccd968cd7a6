/**
 * Bytes of a data file to its text, or one line saying why they are not text nutmeg reads (no file access, no Node
 * built-ins: the browser build decodes a dropped file's bytes here too; file-text.ts reads the file in Node).
 *
 * - A UTF-8 byte-order mark is dropped; UTF-16 LE or BE with a byte-order mark is decoded (what Excel's "Unicode
 *   text" and PowerShell write). UTF-32, and UTF-16 without a mark, are refused with the advice to save as UTF-8.
 * - Other binary formats are refused by their magic bytes (zip and so .xlsx/.ods, the old .xls container, Parquet,
 *   SQLite, PDF, bzip2, xz, zstd, 7z), and any other file with a NUL byte in its first 64 KiB as binary.
 * - Everything else must be valid UTF-8 (decoded with TextDecoder's fatal mode, the WHATWG Encoding rules); a file in
 *   Latin-1 or Windows-1252 fails there and the message names the first bad byte and its line.
 * gzip is the caller's (isGzip): node:zlib in Node, DecompressionStream in a page.
 */
import { UserError } from '../errors.js';

/** Bytes of the start of a file that identify a format, and what to tell the user. */
interface Magic {
  readonly bytes: readonly number[];
  /** Bytes the file must also end with (Parquet repeats its magic at the end), so a header like "PAR1,x" is text. */
  readonly end?: readonly number[];
  readonly looksLike: string;
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

const MAGICS: readonly Magic[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], looksLike: 'an Excel (.xlsx), OpenDocument or other zip file; export the sheet as CSV' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], looksLike: 'an empty zip file; export the data as CSV' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], looksLike: 'an old Excel (.xls) file; export the sheet as CSV' },
  { bytes: ascii('PAR1'), end: ascii('PAR1'), looksLike: 'a Parquet file, not CSV text; give it to --data as it is (its types come from its schema)' },
  { bytes: ascii('SQLite format 3\0'), looksLike: 'an SQLite database; export the table as CSV' },
  { bytes: ascii('%PDF-'), looksLike: 'a PDF document; export the data as CSV' },
  // "BZh", the block size '1'-'9', then the block magic 0x314159265359 (digits of pi)
  ...Array.from('123456789', (size) => ({
    bytes: [...ascii(`BZh${size}`), 0x31, 0x41, 0x59, 0x26, 0x53, 0x59],
    looksLike: 'a bzip2 file; decompress it (bunzip2) or recompress it with gzip',
  })),
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], looksLike: 'an xz file; decompress it (unxz) or recompress it with gzip' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], looksLike: 'a zstd file; decompress it (unzstd) or recompress it with gzip' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], looksLike: 'a 7-Zip archive; extract the CSV file from it' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], looksLike: 'UTF-32 text; save it as UTF-8' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], looksLike: 'UTF-32 text; save it as UTF-8' },
];

/** Text whose bytes are valid UTF-8 but more than one JavaScript string holds (decodeTextBytes). */
export class TextTooLargeError extends UserError {
  constructor(
    readonly bytes: number,
    message: string,
  ) {
    super(message);
  }
}

const GZIP = [0x1f, 0x8b];

/** gzip's magic bytes (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return startsWith(bytes, GZIP);
}
const BINARY_SCAN_BYTES = 64 * 1024;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function endsWith(bytes: Uint8Array, suffix: readonly number[]): boolean {
  return bytes.length >= suffix.length && startsWith(bytes.subarray(bytes.length - suffix.length), suffix);
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number; // smallest code point for this length (rejects overlong forms)
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function decodeUtf16(path: string, bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(2));
  } catch {
    throw new UserError(`${path}: starts with a UTF-16 byte-order mark but is not valid UTF-16 text; save it as UTF-8`);
  }
}

/**
 * Whether a file starting with `head` may need more than plain UTF-8 reading: gzip, a UTF-16 byte-order mark, or the
 * magic bytes of a format refused above. The fast CSV scanner (csv-fast.ts) leaves such files to readTextFile.
 */
export function needsTextDecoding(head: Uint8Array): boolean {
  if (startsWith(head, GZIP) || startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true;
  return MAGICS.some((magic) => startsWith(head, magic.bytes));
}

/** The text of `bytes` (not gzip; see the module comment); every refusal is a one-line UserError naming `path`. */
export function decodeTextBytes(path: string, bytes: Uint8Array): string {
  for (const magic of MAGICS) {
    if (startsWith(bytes, magic.bytes) && (magic.end === undefined || endsWith(bytes, magic.end))) throw new UserError(`${path}: looks like ${magic.looksLike}`);
  }
  if (startsWith(bytes, [0xff, 0xfe])) return decodeUtf16(path, bytes, 'utf-16le');
  if (startsWith(bytes, [0xfe, 0xff])) return decodeUtf16(path, bytes, 'utf-16be');
  const scan = bytes.subarray(0, BINARY_SCAN_BYTES);
  const nul = scan.indexOf(0);
  if (nul >= 0) {
    // ASCII text in UTF-16 without a byte-order mark has a NUL in every other byte
    const utf16 = bytes.length >= 4 && ((bytes[1] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[2] === 0));
    if (utf16) throw new UserError(`${path}: looks like UTF-16 text without a byte-order mark; save it as UTF-8`);
    throw new UserError(`${path}: looks like a binary file, not CSV text (a NUL byte at offset ${nul}); export the data as CSV`);
  }
  const start = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(start));
  } catch {
    const at = firstInvalidUtf8(bytes);
    if (at < 0) {
      // valid UTF-8 that does not fit in one string (V8's limit is about 2^29 characters: ~512 MiB of ASCII)
      throw new TextTooLargeError(
        bytes.length,
        `${path}: ${Math.round(bytes.length / 2 ** 20)} MiB of text is more than one JavaScript string holds, and this file is parsed ` +
          'from one string (CSV is read streaming unless UTF-16, or with a line break inside quotes, a quote inside an ' +
          'unquoted field, an empty line or a row of another length); write the data as Parquet or Arrow IPC (read in columns, any size), or split the file',
      );
    }
    const byte = bytes[Math.max(0, at)].toString(16).toUpperCase().padStart(2, '0');
    throw new UserError(`${path}: not UTF-8 (byte 0x${byte} at line ${lineAt(bytes, at)}); save it as UTF-8`);
  }
}
