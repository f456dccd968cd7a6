/** Readers for the R loo 2.5.1 reference files in tests/fixtures/loo (see its README.md for provenance). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/loo/', import.meta.url));
export const MODELS = ['pooled', 'segment_slopes', 'crossed', 'cells', 'cells_unpooled'] as const;

/** A CSV written by R's write.csv: header of quoted names, then rows; returns column name → values. */
export function readRCsv(name: string): Record<string, (number | string)[]> {
  const lines = readFileSync(FIXTURES + name, 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const out: Record<string, (number | string)[]> = Object.fromEntries(header.map((h) => [h, []]));
  for (const line of lines.slice(1)) {
    line.split(',').forEach((field, j) => {
      const f = field.replace(/"/g, '');
      out[header[j]].push(f === 'Inf' ? Infinity : f === 'NA' ? NaN : /^[-\d.eE+]+$/.test(f) ? Number(f) : f);
    });
  }
  return out;
}

export function numbers(col: (number | string)[]): number[] {
  return col.map((v) => (typeof v === 'number' ? v : NaN));
}

/** Largest |a - b| / |b| (absolute where b = 0). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (b[i] === 0 ? 1 : Math.abs(b[i])));
  return m;
}

export function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]));
  return m;
}
