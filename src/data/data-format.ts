/**
 * Which columnar format a data file holds, from its first 8 and last 4 bytes (and, for an Arrow IPC stream, its
 * name): Parquet ("PAR1" at both ends), Arrow IPC file / Feather v2 ("ARROW1"), Arrow IPC stream (a 0xFFFFFFFF
 * continuation marker, with a name ending .arrows/.arrow/.feather/.ipc, since the marker alone could start a binary
 * file of another kind); null for anything else (CSV, or a format the CSV reader refuses). No file access: the CLI
 * (data-file.ts) and the page (src/browser/data.ts) both ask it.
 */
import { UserError } from '../errors.js';

/** The columnar formats nutmeg reads. */
export type ColumnarFormat = 'parquet' | 'arrow';

const STREAM_NAME = /\.(arrows|arrow|feather|ipc)$/i;

const latin1 = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

/** `head`: the file's first 8 bytes (or all of a shorter file); `tail`: its last 4; `name`: its name or path. */
export function columnarFormatOf(head: Uint8Array, tail: Uint8Array, name: string): ColumnarFormat | null {
  if (head.length < 8 || tail.length < 4) return null;
  if (latin1(head, 0, 4) === 'PAR1' && latin1(tail, 0, 4) === 'PAR1') return 'parquet';
  if (latin1(head, 0, 6) === 'ARROW1') return 'arrow';
  const marker = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
  if (marker === 0xffffffff && STREAM_NAME.test(name)) return 'arrow';
  return null;
}

/**
 * The columnar format a file starts as but does not end as — a Parquet file without its closing "PAR1", an Arrow IPC
 * file without its closing "ARROW1": cut short by an interrupted copy or write — else null. A Parquet start must be
 * followed by a binary byte (a page header), so a CSV whose header line begins "PAR1" stays text.
 */
export function truncatedColumnarOf(head: Uint8Array, tail: Uint8Array): ColumnarFormat | null {
  if (head.length < 8 || tail.length < 4) return null;
  const binary = head.subarray(4, 8).some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
  if (latin1(head, 0, 4) === 'PAR1' && binary && latin1(tail, 0, 4) !== 'PAR1') return 'parquet';
  if (latin1(head, 0, 6) === 'ARROW1' && latin1(tail, 0, 4) !== 'ROW1') return 'arrow';
  return null;
}

/** A file cut short (truncatedColumnarOf) as its one-line error, naming `name`; nothing for any other file. */
export function refuseTruncatedColumnar(name: string, head: Uint8Array, tail: Uint8Array): void {
  const truncated = truncatedColumnarOf(head, tail);
  if (truncated === null) return;
  const kind = truncated === 'parquet' ? 'a Parquet file but does not end with its closing "PAR1"' : 'an Arrow IPC file but does not end with its closing "ARROW1"';
  throw new UserError(`${name}: starts as ${kind}: the file is cut short (an interrupted copy or write); copy or write it again`);
}
