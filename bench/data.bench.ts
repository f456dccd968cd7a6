/**
 * Benchmark: reading 64,000 Hillstrom rows from CSV (readCsv: csv-parse plus typing the 12 columns), the whole
 * loadHillstrom (reading, schema checks, features), and simulating the built-in 64,000-row data set.
 * Reads ../shared/data/hillstrom.csv when present, else a simulated file of the same size written to a temporary
 * directory (the file read is reported). Run: `npx tsx bench/data.bench.ts`. The target: well under a second.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeCsv } from '../src/data/csv-write.js';
import { readCsv } from '../src/data/csv.js';
import { loadHillstrom } from '../src/data/hillstrom.js';
import { simulateHillstrom } from '../src/data/simulate/hillstrom.js';

export interface DataBenchResult {
  readonly file: string;
  readonly rows: number;
  /** Wall-clock seconds of each repetition. */
  readonly readCsvSeconds: number[];
  readonly loadHillstromSeconds: number[];
  readonly simulateSeconds: number[];
  readonly bestReadCsvSeconds: number;
}

const REAL_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/hillstrom.csv');

function timeRepeats(repeats: number, fn: () => unknown): number[] {
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return seconds;
}

export function run(options: { quick?: boolean; repeats?: number } = {}): DataBenchResult {
  const repeats = options.repeats ?? (options.quick === true ? 1 : 5);
  const rows = options.quick === true ? 5000 : 64_000;
  let tmp: string | null = null;
  let file = REAL_FILE;
  if (options.quick === true || !existsSync(REAL_FILE)) {
    tmp = mkdtempSync(path.join(tmpdir(), 'nutmeg-bench-data-'));
    file = path.join(tmp, 'hillstrom-simulated.csv');
    writeCsv(simulateHillstrom({ seed: 1, n: rows }).frame, file);
  }
  try {
    let n = 0;
    const readCsvSeconds = timeRepeats(repeats, () => {
      n = readCsv(file).nRows;
    });
    const loadHillstromSeconds = timeRepeats(repeats, () => loadHillstrom(file));
    const simulateSeconds = timeRepeats(repeats, () => simulateHillstrom({ seed: 2, n: rows }));
    return {
      file: tmp === null ? file : 'simulated (../shared/data/hillstrom.csv not present or --quick)',
      rows: n,
      readCsvSeconds,
      loadHillstromSeconds,
      simulateSeconds,
      bestReadCsvSeconds: Math.min(...readCsvSeconds),
    };
  } finally {
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = run();
  const fmt = (xs: number[]): string => xs.map((s) => `${(s * 1000).toFixed(0)} ms`).join(', ');
  console.log(`data bench: ${r.rows} rows from ${r.file}`);
  console.log(`  readCsv:        ${fmt(r.readCsvSeconds)}`);
  console.log(`  loadHillstrom:  ${fmt(r.loadHillstromSeconds)}`);
  console.log(`  simulate:       ${fmt(r.simulateSeconds)}`);
}
