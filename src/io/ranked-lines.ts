/**
 * Lines of text put in rank order without holding them all (an external merge sort, Knuth TAOCP vol. 3 §5.4.1):
 * each block of lines is sorted in memory by (key descending, row ascending) and appended to one temporary file as a
 * sorted run; the runs are then merged through a heap with a small read buffer per run. Memory: one block, plus a
 * buffer per run (the runs of 10⁷ rows in blocks of 65,536 are 153).
 *
 * A record on file: key (float64), row (float64), byte length of the line (uint32), the line's UTF-8 bytes.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HEADER_BYTES = 20;
const READ_BYTES = 1 << 16;

/** Higher key first; equal keys in row order. */
function before(keyA: number, rowA: number, keyB: number, rowB: number): boolean {
  return keyA > keyB || (keyA === keyB && rowA < rowB);
}

/** One sorted run being read back. */
class RunReader {
  key = 0;
  row = 0;
  line = '';
  private buf = Buffer.allocUnsafe(READ_BYTES);
  private start = 0;
  private end = 0;
  private position: number;

  constructor(
    private readonly fd: number,
    from: number,
    private readonly to: number,
  ) {
    this.position = from;
  }

  /** Makes `bytes` bytes available at this.start; false at the end of the run. */
  private want(bytes: number): boolean {
    if (this.end - this.start >= bytes) return true;
    if (bytes > this.buf.length) {
      const bigger = Buffer.allocUnsafe(bytes);
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    } else this.buf.copy(this.buf, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    while (this.end < bytes && this.position < this.to) {
      const got = readSync(this.fd, this.buf, this.end, Math.min(this.buf.length - this.end, this.to - this.position), this.position);
      if (got === 0) break;
      this.position += got;
      this.end += got;
    }
    return this.end - this.start >= bytes;
  }

  /** Reads the next record; false when the run is done. */
  next(): boolean {
    if (!this.want(HEADER_BYTES)) return false;
    this.key = this.buf.readDoubleLE(this.start);
    this.row = this.buf.readDoubleLE(this.start + 8);
    const length = this.buf.readUInt32LE(this.start + 16);
    this.start += HEADER_BYTES;
    if (!this.want(length)) throw new Error('ranked-lines: a run ends inside a record');
    this.line = this.buf.toString('utf8', this.start, this.start + length);
    this.start += length;
    return true;
  }
}

export class RankedLines {
  private readonly dir: string;
  private readonly fd: number;
  private size = 0;
  private readonly runs: [number, number][] = [];
  private closed = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'nutmeg-ranked-'));
    this.fd = openSync(join(this.dir, 'runs'), 'w+');
  }

  /** Lines total so far. */
  count = 0;

  /** Adds a block: line k has sort key keys[k] and row rows[k] (rows distinct over all blocks). */
  addBlock(keys: ArrayLike<number>, rows: ArrayLike<number>, lines: readonly string[]): void {
    const n = lines.length;
    if (n === 0) return;
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => (before(keys[a], rows[a], keys[b], rows[b]) ? -1 : before(keys[b], rows[b], keys[a], rows[a]) ? 1 : 0));
    let bytes = 0;
    const lengths = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      lengths[k] = Buffer.byteLength(lines[k]);
      bytes += HEADER_BYTES + lengths[k];
    }
    const buf = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (const k of order) {
      buf.writeDoubleLE(keys[k], at);
      buf.writeDoubleLE(rows[k], at + 8);
      buf.writeUInt32LE(lengths[k], at + 16);
      at += HEADER_BYTES;
      at += buf.write(lines[k], at, 'utf8');
    }
    let written = 0;
    while (written < bytes) written += writeSync(this.fd, buf, written, bytes - written, this.size + written);
    this.runs.push([this.size, this.size + bytes]);
    this.size += bytes;
    this.count += n;
  }

  /** Every line in rank order, with its 1-based rank. */
  *merged(): Generator<[number, string]> {
    const readers = this.runs.map(([from, to]) => new RunReader(this.fd, from, to)).filter((r) => r.next());
    // binary heap of readers by their current record
    const heap = readers;
    const less = (i: number, j: number): boolean => before(heap[i].key, heap[i].row, heap[j].key, heap[j].row);
    const sift = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) sift(i);
    let rank = 0;
    while (heap.length > 0) {
      const top = heap[0];
      yield [++rank, top.line];
      if (!top.next()) {
        const last = heap.pop() as RunReader;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      sift(0);
    }
  }

  /** Removes the temporary file (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
