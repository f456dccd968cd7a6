/**
 * PLAIN-encoded Parquet values: fixed-width numbers as typed views of the page (copied to an aligned buffer when
 * misaligned), bit-packed booleans, length-prefixed strings as level codes.
 */
import type { Scratch, Values } from './parquet-scratch.js';
import type { Planned } from './parquet-schema.js';

/** A typed view of `n` elements of `size` bytes at `bytes[at]`, copied to an aligned scratch buffer when misaligned. */
function alignedView<T>(bytes: Uint8Array, at: number, n: number, size: number, scratch: Scratch, make: (b: ArrayBufferLike, offset: number, n: number) => T): T {
  const offset = bytes.byteOffset + at;
  if (offset % size === 0) return make(bytes.buffer, offset, n);
  const buffer = scratch.alignedBuffer(n * size);
  new Uint8Array(buffer, 0, n * size).set(bytes.subarray(at, at + n * size));
  return make(buffer, 0, n);
}

/** 64-bit integers (little-endian pairs) as numbers: hi·2³² + lo, rounded once, as Number(bigint) does. */
function int64Numbers(bytes: Uint8Array, at: number, n: number, unsigned: boolean, scratch: Scratch): Float64Array {
  const pairs = alignedView(bytes, at, 2 * n, 4, scratch, (b, o, m) => new Int32Array(b, o, m));
  const out = scratch.float64(n);
  for (let i = 0; i < n; i++) {
    const hi = pairs[2 * i + 1];
    out[i] = (unsigned ? hi >>> 0 : hi) * 4294967296 + (pairs[2 * i] >>> 0);
  }
  return out;
}

/** `n` PLAIN values of column `c` at `bytes[at]`: numbers, 0/1, or level codes. */
export function plainValues(c: Planned, bytes: Uint8Array, at: number, n: number, scratch: Scratch): Values {
  switch (c.kind) {
    case 'double':
      return alignedView(bytes, at, n, 8, scratch, (b, o, m) => new Float64Array(b, o, m));
    case 'float': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Float32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'int32': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Int32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'uint32': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Uint32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'int64':
    case 'uint64':
      return int64Numbers(bytes, at, n, c.kind === 'uint64', scratch);
    case 'boolean': {
      const out = scratch.int32(n);
      for (let i = 0; i < n; i++) out[i] = (bytes[at + (i >> 3)] >> (i & 7)) & 1;
      return out;
    }
    case 'bytes': {
      const out = scratch.int32(n);
      let p = at;
      for (let i = 0; i < n; i++) {
        const len = (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
        if (p + 4 + len > bytes.length) throw new Error('a string runs past its page');
        out[i] = c.levels.code(bytes, p + 4, p + 4 + len);
        p += 4 + len;
      }
      return out;
    }
  }
}
