/**
 * A zip archive of "stored" (uncompressed) entries, enough to hand a run's files over as one download: local file
 * headers, the central directory and its end record as PKWARE's APPNOTE.TXT (6.3.x, sections 4.3.7, 4.3.12, 4.3.16)
 * lays them out, UTF-8 names (general purpose flag bit 11), no zip64 (each file and the archive under 4 GiB), a fixed
 * DOS time (1980-01-01: the contents, not the clock, make the archive). Store, not deflate: CSV text compresses
 * well, but a deflate encoder is a library (a dependency) or a project of its own, and a run's files are read once.
 */

export interface ZipEntry {
  /** Path inside the archive, '/'-separated (e.g. "run/chain-1.csv"). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** CRC-32 of the zip format (ISO 3309 / ITU-T V.42 polynomial 0xEDB88320, reflected), table-driven. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
const VERSION = 20; // 2.0: what stored entries and directories need
const UTF8_NAMES = 1 << 11;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const LIMIT = 0xffffffff;

/** The archive's bytes. Throws RangeError past the no-zip64 limits (4 GiB, 65,535 entries). */
export function storedZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map((e) => encoder.encode(e.name));
  const crcs = entries.map((e) => crc32(e.bytes));
  let localSize = 0;
  let centralSize = 0;
  entries.forEach((e, i) => {
    localSize += LOCAL_HEADER + names[i].length + e.bytes.length;
    centralSize += CENTRAL_HEADER + names[i].length;
  });
  if (entries.length > 0xffff || localSize + centralSize + END_RECORD > LIMIT) {
    throw new RangeError('stored zip: more than 65,535 entries or 4 GiB; download the files one by one');
  }
  const out = new Uint8Array(localSize + centralSize + END_RECORD);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    offsets.push(at);
    view.setUint32(at, 0x04034b50, true);
    view.setUint16(at + 4, VERSION, true);
    view.setUint16(at + 6, UTF8_NAMES, true);
    view.setUint16(at + 8, 0, true); // stored
    view.setUint16(at + 10, 0, true); // time 00:00:00
    view.setUint16(at + 12, DOS_DATE_1980_01_01, true);
    view.setUint32(at + 14, crcs[i], true);
    view.setUint32(at + 18, e.bytes.length, true);
    view.setUint32(at + 22, e.bytes.length, true);
    view.setUint16(at + 26, names[i].length, true);
    view.setUint16(at + 28, 0, true);
    out.set(names[i], at + LOCAL_HEADER);
    out.set(e.bytes, at + LOCAL_HEADER + names[i].length);
    at += LOCAL_HEADER + names[i].length + e.bytes.length;
  });
  const centralStart = at;
  entries.forEach((e, i) => {
    view.setUint32(at, 0x02014b50, true);
    view.setUint16(at + 4, VERSION, true);
    view.setUint16(at + 6, VERSION, true);
    view.setUint16(at + 8, UTF8_NAMES, true);
    view.setUint16(at + 10, 0, true);
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, DOS_DATE_1980_01_01, true);
    view.setUint32(at + 16, crcs[i], true);
    view.setUint32(at + 20, e.bytes.length, true);
    view.setUint32(at + 24, e.bytes.length, true);
    view.setUint16(at + 28, names[i].length, true);
    // extra field, comment, disk number, internal and external attributes: all 0
    view.setUint32(at + 42, offsets[i], true);
    out.set(names[i], at + CENTRAL_HEADER);
    at += CENTRAL_HEADER + names[i].length;
  });
  view.setUint32(at, 0x06054b50, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - centralStart, true);
  view.setUint32(at + 16, centralStart, true);
  return out;
}
