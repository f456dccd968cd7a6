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
  readonly readCsv: Timing;
  readonly loadHillstrom: Timing;
  readonly simulate: Timing;
  /** The fastest wall-clock repetition of readCsv. */
  readonly bestReadCsvSeconds: number;
}

const REAL_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data/hillstrom.csv');

interface Timing {
  /** Wall-clock seconds of each repetition. */
  readonly wall: number[];
  /** CPU seconds (user + system) of this process in each repetition: less sensitive to other load on the machine. */
  readonly cpu: number[];
}

function timeRepeats(repeats: number, fn: () => unknown): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall, cpu };
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
    const readCsvTiming = timeRepeats(repeats, () => {
      n = readCsv(file).nRows;
    });
    return {
      file: tmp === null ? file : 'simulated (../shared/data/hillstrom.csv not present or --quick)',
      rows: n,
      readCsv: readCsvTiming,
      loadHillstrom: timeRepeats(repeats, () => loadHillstrom(file)),
      simulate: timeRepeats(repeats, () => simulateHillstrom({ seed: 2, n: rows })),
      bestReadCsvSeconds: Math.min(...readCsvTiming.wall),
    };
  } finally {
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = run();
  const ms = (xs: number[]): string => xs.map((s) => (s * 1000).toFixed(0)).join(', ');
  const fmt = (t: Timing): string => `wall ${ms(t.wall)} ms; cpu ${ms(t.cpu)} ms`;
  console.log(`data bench: ${r.rows} rows from ${r.file}`);
  console.log(`  readCsv:        ${fmt(r.readCsv)}`);
  console.log(`  loadHillstrom:  ${fmt(r.loadHillstrom)}`);
  console.log(`  simulate:       ${fmt(r.simulate)}`);
}
