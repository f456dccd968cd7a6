/**
 * The row counts of a Parquet file, read from its footer without decoding any data: the total and each row group's
 * rows and uncompressed bytes. The Parquet reader (parquet-read.ts) uses them to size the frame's columns once and
 * to decode the file a window of row groups at a time.
 *
 * The footer is the file's FileMetaData, a Thrift struct in the compact protocol (Apache Parquet format,
 * parquet.thrift; Apache Thrift compact protocol spec, thrift/doc/specs/thrift-compact-protocol.md), followed by its
 * length (4 bytes, little-endian) and "PAR1". Only FileMetaData.num_rows (field 3) and row_groups (field 4: the
 * length of RowGroup.columns = field 1, total_byte_size = field 2, num_rows = field 3) are read; every other field is
 * skipped by its wire type.
 */

export interface ParquetRowGroups {
  readonly numRows: number;
  /** Rows, uncompressed bytes and columns of each row group, in file order. */
  readonly rowGroups: readonly { readonly numRows: number; readonly bytes: number; readonly columns: number }[];
}

// compact protocol wire types
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const I8 = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const UUID = 13;

class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    from: number,
    readonly end: number,
  ) {
    this.at = from;
  }
  byte(): number {
    if (this.at >= this.end) throw new Error('the footer ends early');
    return this.bytes[this.at++];
  }
  /** An unsigned varint (up to 64 bits; exact below 2^53). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new Error('a varint is too long');
  }
  /** A zigzag-encoded signed varint (i16, i32, i64). */
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  skip(count: number): void {
    if (count < 0 || this.at + count > this.end) throw new Error('the footer ends early');
    this.at += count;
  }
  /** Skips one value of wire type `type` (a bool inside a list is one byte). */
  skipValue(type: number, inList = false): void {
    switch (type) {
      case BOOL_TRUE:
      case BOOL_FALSE:
        if (inList) this.skip(1);
        return;
      case I8:
        this.skip(1);
        return;
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        this.skip(8);
        return;
      case UUID:
        this.skip(16);
        return;
      case BINARY:
        this.skip(this.varint());
        return;
      case LIST:
      case SET: {
        const { size, type: element } = this.listHeader();
        for (let k = 0; k < size; k++) this.skipValue(element, true);
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let k = 0; k < size; k++) {
          this.skipValue(kinds >> 4, true);
          this.skipValue(kinds & 0x0f, true);
        }
        return;
      }
      case STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new Error(`unknown Thrift type ${type}`);
    }
  }
  listHeader(): { size: number; type: number } {
    const b = this.byte();
    const size = b >> 4;
    return { size: size === 15 ? this.varint() : size, type: b & 0x0f };
  }
  /** Reads a struct's fields: `field(id, type)` reads the ones it knows (returning true), the rest are skipped. */
  struct(field: (id: number, type: number) => boolean): void {
    let last = 0;
    for (;;) {
      const b = this.byte();
      if (b === 0) return;
      const type = b & 0x0f;
      const delta = b >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      if (!field(id, type)) this.skipValue(type);
    }
  }
}

/**
 * The row counts of the Parquet file in `bytes` (its whole content); throws an Error saying what is wrong with the
 * footer when it cannot be read (the caller turns it into a one-line message naming the file).
 */
export function parquetRowGroups(bytes: Uint8Array): ParquetRowGroups {
  const n = bytes.length;
  if (n < 12) throw new Error('the file is too short for Parquet');
  const length = (bytes[n - 8] | (bytes[n - 7] << 8) | (bytes[n - 6] << 16) | (bytes[n - 5] << 24)) >>> 0;
  if (length > n - 12) throw new Error('the footer length is larger than the file');
  const r = new Reader(bytes, n - 8 - length, n - 8);
  let numRows = -1;
  const rowGroups: { numRows: number; bytes: number; columns: number }[] = [];
  r.struct((id, type) => {
    if (id === 3 && type === I64) {
      numRows = r.zigzag();
      return true;
    }
    if (id === 4 && type === LIST) {
      const { size, type: element } = r.listHeader();
      for (let k = 0; k < size; k++) {
        if (element !== STRUCT) {
          r.skipValue(element, true);
          continue;
        }
        const group = { numRows: 0, bytes: 0, columns: 0 };
        r.struct((gid, gtype) => {
          if (gid === 1 && gtype === LIST) {
            const header = r.listHeader();
            group.columns = header.size;
            for (let c = 0; c < header.size; c++) r.skipValue(header.type, true);
            return true;
          }
          if (gtype !== I64 || (gid !== 2 && gid !== 3)) return false;
          if (gid === 2) group.bytes = r.zigzag();
          else group.numRows = r.zigzag();
          return true;
        });
        rowGroups.push(group);
      }
      return true;
    }
    return false;
  });
  if (numRows < 0) throw new Error('the footer has no row count');
  return { numRows, rowGroups };
}
