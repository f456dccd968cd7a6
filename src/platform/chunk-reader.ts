/**
 * A byte source (a file, or text already decoded) read a chunk at a time into one buffer that grows only while a
 * line or record does not fit (Node: a Buffer, and readSync for files). The three chunked readers share it: the
 * CSV fast path (src/data/csv-fast.ts), `nutmeg score`'s blocks (src/data/row-blocks.ts) and the draws files'
 * scan (src/io/draws-csv-scan.ts). The caller scans buf[0, len), drops what it has used (`keep`) and reads on
 * (`fill`), so neither a file's text nor its rows are held whole.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Reads up to `length` bytes into buf at `offset`; 0 at the end of the source. */
export type ReadBytes = (buf: Buffer, offset: number, length: number) => number;

/** The bytes of an open file from where it stands, read in order. */
export function fileBytes(fd: number): ReadBytes {
  return (buf, offset, length) => readSync(fd, buf, offset, length, null);
}

/**
 * What `use` makes of the regular file at `path`, read through a ChunkReader whose first buffer is `firstBytes(size)`
 * bytes; the file is closed after. Null when the file cannot be opened or is not a regular file (the callers' full
 * parsers say why), or when `use` gives up.
 */
export function withFileChunks<T>(path: string, firstBytes: (size: number) => number, use: (reader: ChunkReader, size: number) => T | null): T | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return null;
    return use(new ChunkReader(fileBytes(fd), firstBytes(stat.size)), stat.size);
  } finally {
    closeSync(fd);
  }
}

export class ChunkReader {
  /** The bytes read and not yet dropped are buf[0, len). */
  buf: Buffer;
  len = 0;
  /** The source has no more bytes (a read gave none). */
  eof = false;

  /** `firstBytes`: the buffer's first size (it doubles whenever a fill finds it full). */
  constructor(
    private readonly read: ReadBytes,
    firstBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, firstBytes));
  }

  /** Reads on into the free end of the buffer, doubling the buffer first when it is full. */
  fill(): void {
    if (this.len === this.buf.length) this.grow(this.buf.length * 2);
    const got = this.read(this.buf, this.len, this.buf.length - this.len);
    if (got === 0) this.eof = true;
    this.len += got;
  }

  /** Drops buf[0, from): the bytes from `from` on move to the front. */
  keep(from: number): void {
    if (from === 0) return;
    this.buf.copy(this.buf, 0, from, this.len);
    this.len -= from;
  }

  /**
   * Where the whole lines of buf[0, len) end: after the last line feed; at the end of the source, len, a last line
   * without a line break first given `ending` (the file's own: [LF] or [CR, LF]) so that every line ends in one.
   * -1 + 1 = 0 when no line is whole yet.
   */
  wholeLines(ending: readonly number[]): number {
    if (!this.eof) return this.buf.lastIndexOf(10, this.len - 1) + 1;
    if (this.len > 0 && this.buf[this.len - 1] !== 10) {
      if (this.len + ending.length > this.buf.length) this.grow(this.len + ending.length);
      for (const byte of ending) this.buf[this.len++] = byte;
    }
    return this.len;
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }
}
