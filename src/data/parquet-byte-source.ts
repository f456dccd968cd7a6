/**
 * Where a Parquet file's bytes come from: its whole content in memory, or (the command line) the file itself, read a
 * column chunk at a time into one reused buffer, so that the file is never held whole and its bytes are not copied
 * into fresh memory (on a loaded VM, first-touch page faults cost as much as the decoding: ~0.3 s of CPU for 80 MB).
 */
export interface ByteSource {
  readonly length: number;
  /** Bytes [offset, offset + length); valid until the next call. */
  read(offset: number, length: number): Uint8Array;
}

/** The bytes in memory as a source. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}
