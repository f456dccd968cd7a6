/**
 * Decompressing a raw snappy block (the page compression most Parquet files use), written from the format description
 * (google/snappy, format_description.txt): a varint of the uncompressed length, then elements — a literal (tag 00:
 * length in the tag, or in 1–4 bytes after it) or a copy of earlier output (tags 01, 10, 11: length and an offset of
 * 11, 16 or 32 bits). Long literals and copies that do not overlap their source go through the typed array's native
 * set/copyWithin; a page of floats is mostly literals, so this is mostly memcpy. No Node imports.
 */

/** Decompresses `input` into `out`, whose length must be the block's uncompressed length; throws on a damaged block. */
export function snappyDecompress(input: Uint8Array, out: Uint8Array): void {
  const n = input.length;
  let pos = 0;
  let length = 0;
  for (let scale = 1; ; scale *= 128) {
    if (pos >= n || scale > 2 ** 28) throw new Error('snappy: bad length preamble');
    const b = input[pos++];
    length += (b & 0x7f) * scale;
    if (b < 0x80) break;
  }
  if (length !== out.length) throw new Error(`snappy: the block holds ${length} bytes, not ${out.length}`);
  let o = 0;
  while (pos < n) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > n) throw new Error('snappy: a literal length runs past the input');
        len = 0;
        for (let k = 0; k < extra; k++) len += input[pos + k] * 2 ** (8 * k);
        pos += extra;
      }
      len += 1;
      if (pos + len > n || o + len > length) throw new Error('snappy: a literal runs past its end');
      if (len < 16) for (let i = 0; i < len; i++) out[o + i] = input[pos + i];
      else out.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= n) throw new Error('snappy: a copy runs past the input');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++];
    } else if (kind === 2) {
      if (pos + 2 > n) throw new Error('snappy: a copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > n) throw new Error('snappy: a copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16) | (input[pos + 3] << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw new Error('snappy: a copy reaches outside the output');
    if (offset >= len && len >= 16) out.copyWithin(o, o - offset, o - offset + len);
    else for (let i = 0; i < len; i++) out[o + i] = out[o - offset + i];
    o += len;
  }
  if (o !== length) throw new Error('snappy: the block ends early');
}
