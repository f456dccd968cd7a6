/**
 * The chunk reader the CSV fast path, `nutmeg score`'s blocks and the draws scan share (src/platform/chunk-reader.ts):
 * reading a source to its end through a first buffer of any size from 1 byte up gives back exactly its bytes, line
 * by line (the reference: the source's own text split at line feeds); the buffer grows only while a line does not
 * fit; a last line without a line break gets the ending asked for; withFileChunks reads a file and closes it, and
 * gives null for what is not a regular file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkReader, withFileChunks, type ReadBytes } from '../../src/platform/chunk-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-chunk-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A source of `text`'s bytes giving at most `most` bytes a read (short reads, as pipes and large files give). */
function source(text: string, most = Infinity): ReadBytes {
  const bytes = Buffer.from(text);
  let at = 0;
  return (buf, offset, length) => {
    const n = Math.min(length, most, bytes.length - at);
    bytes.copy(buf, offset, at, at + n);
    at += n;
    return n;
  };
}

/** The lines a reader gives, read as the scanners do: whole lines, keep the rest, read on. */
function lines(reader: ChunkReader, ending: readonly number[]): { lines: string[]; biggest: number } {
  const out: string[] = [];
  let biggest = reader.buf.length;
  reader.fill();
  for (;;) {
    const to = reader.wholeLines(ending);
    if (to > 0) out.push(...reader.buf.toString('utf8', 0, to).split('\n').slice(0, -1));
    biggest = Math.max(biggest, reader.buf.length);
    if (reader.eof) break;
    reader.keep(to);
    reader.fill();
  }
  return { lines: out, biggest };
}

describe('ChunkReader', () => {
  const text = Array.from({ length: 200 }, (_, i) => 'x'.repeat((i * 37) % 90) + `;${i}`).join('\n');

  it('gives back every line whatever the first buffer and the reads\' sizes; a last line gets the ending', () => {
    for (const first of [1, 2, 7, 64, 100, 4096]) {
      for (const most of [1, 5, Infinity]) {
        const got = lines(new ChunkReader(source(text, most), first), [10]);
        expect(got.lines).toEqual(text.split('\n'));
        // the buffer only grows to hold a line and what a read brings with it: never past twice the longest line
        // or the first size
        expect(got.biggest).toBeLessThanOrEqual(Math.max(first, 2 * 100));
      }
    }
    const crlf = lines(new ChunkReader(source('a\r\nb'), 2), [13, 10]);
    expect(crlf.lines).toEqual(['a\r', 'b\r']);
    expect(lines(new ChunkReader(source('a\nb\n'), 3), [10]).lines).toEqual(['a', 'b']);
    expect(lines(new ChunkReader(source(''), 3), [10]).lines).toEqual([]);
  });

  it('withFileChunks reads a file through a reader sized from its length; null for a directory or no file', () => {
    const path = join(dir, 'f.txt');
    writeFileSync(path, text);
    const sizes: number[] = [];
    const got = withFileChunks(path, (size) => (sizes.push(size), 16), (reader, size) => {
      expect(size).toBe(Buffer.byteLength(text));
      return lines(reader, [10]).lines;
    });
    expect(got).toEqual(text.split('\n'));
    expect(sizes).toEqual([Buffer.byteLength(text)]);
    expect(withFileChunks(path, () => 16, () => null)).toBeNull();
    expect(withFileChunks(dir, () => 16, () => 'read')).toBeNull();
    expect(withFileChunks(join(dir, 'absent'), () => 16, () => 'read')).toBeNull();
  });
});
