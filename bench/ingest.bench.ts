/**
 * Benchmark: ingestion of a 10-column numeric table (issue 16 item 3) as CSV, Parquet and Arrow IPC, through what
 * `--data` uses (readDataFile): rows/s (wall and CPU) and peak RSS per reader, each reader in its own process so that
 * its peak RSS is its own. The CSV is also read by the full parser alone (readCsvFull: csv-parse plus typing the
 * cells), the path every CSV took before the fast path, and the same table tab-separated (data.tsv) and as R's
 * write.csv2 writes it (data2.csv: semicolons and decimal commas) through readDataFile, which reads every separator
 * and decimal mark with the fast path (src/data/csv-dialect.ts, csv-fast.ts; before session 12 only the comma and the
 * point). Files are written to a temporary directory: the CSV with 6
 * decimals per cell, the Parquet file by parquet-wasm (snappy, as pandas/pyarrow write by default), the Arrow IPC
 * file by apache-arrow. A baseline process that loads nothing gives the RSS of node + tsx alone.
 *
 * Run: `npx tsx bench/ingest.bench.ts [rows]` (default 1,000,000; --quick in run.ts: 20,000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const COLUMNS = 10;
const self = fileURLToPath(import.meta.url);

type Reader = 'baseline' | 'csv' | 'csv-full' | 'tsv' | 'csv2' | 'parquet' | 'arrow';

export interface ReaderResult {
  readonly reader: Reader;
  readonly file: string;
  readonly megabytes: number;
  readonly rows: number;
  /** Best of the repetitions. */
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly rowsPerSecond: number;
  readonly rowsPerCpuSecond: number;
  readonly peakRssMiB: number;
}

export interface IngestBenchResult {
  readonly rows: number;
  readonly columns: number;
  readonly loadAverage: readonly number[];
  readonly readers: readonly ReaderResult[];
}

/** Deterministic values: a mix of scales, as a design matrix would have. */
function columnValues(rows: number): Float64Array[] {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: COLUMNS }, (_, j) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = Number(((next() - 0.5) * 10 ** (j % 4)).toFixed(6));
    return values;
  });
}

async function writeFiles(dir: string, rows: number): Promise<Record<'csv' | 'tsv' | 'csv2' | 'parquet' | 'arrow', string>> {
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  const parquet = await import('parquet-wasm/node');
  const cols = columnValues(rows);
  const names = cols.map((_, j) => `x${j}`);
  const csv = path.join(dir, 'data.csv');
  const parts: string[] = [names.join(',')];
  for (let r = 0; r < rows; r++) {
    let line = String(cols[0][r]);
    for (let j = 1; j < COLUMNS; j++) line += ',' + String(cols[j][r]);
    parts.push(line);
  }
  writeFileSync(csv, parts.join('\n') + '\n');
  const tsv = path.join(dir, 'data.tsv');
  writeFileSync(tsv, parts.map((line) => line.replaceAll(',', '\t')).join('\n') + '\n');
  const csv2 = path.join(dir, 'data2.csv');
  writeFileSync(csv2, parts.map((line) => line.replaceAll(',', ';').replaceAll('.', ',')).join('\n') + '\n');
  const table = tableFromArrays(Object.fromEntries(names.map((n, j) => [n, cols[j]])));
  const arrow = path.join(dir, 'data.arrow');
  writeFileSync(arrow, tableToIPC(table, 'file'));
  const pq = path.join(dir, 'data.parquet');
  const props = new parquet.WriterPropertiesBuilder().setCompression(parquet.Compression.SNAPPY).build();
  writeFileSync(pq, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
  return { csv, tsv, csv2, parquet: pq, arrow };
}

/**
 * This process's peak RSS: VmHWM of /proc/self/status (kept per address space, so fresh after exec; getrusage's
 * maxRSS would carry the parent's peak over the fork), else maxRSS.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** In the child: reads `file` `repeats` times with `reader`, prints the best time and the peak RSS. */
async function child(reader: Reader, file: string, repeats: number): Promise<void> {
  let best = { wall: Infinity, cpu: Infinity, rows: 0 };
  if (reader !== 'baseline') {
    const { readDataFile } = await import('../src/data/data-file.js');
    const { readCsvFull } = await import('../src/data/csv.js');
    for (let k = 0; k < repeats; k++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const frame = reader === 'csv-full' ? readCsvFull(file) : readDataFile(file);
      const c = process.cpuUsage(c0);
      const wall = (performance.now() - t0) / 1000;
      if (frame.columns.size !== COLUMNS) throw new Error(`${reader}: ${frame.columns.size} columns`);
      if (wall < best.wall) best = { wall, cpu: (c.user + c.system) / 1e6, rows: frame.nRows };
    }
  }
  process.stdout.write(JSON.stringify({ ...best, peakRssMiB: peakRssMiB() }));
}

function measure(reader: Reader, file: string, repeats: number): ReaderResult {
  const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', reader, file, String(repeats)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`ingest bench: ${reader} failed: ${out.stderr.split('\n').slice(-3).join(' ')}`);
  const r = JSON.parse(out.stdout) as { wall: number; cpu: number; rows: number; peakRssMiB: number };
  const baseline = reader === 'baseline';
  return {
    reader,
    file: baseline ? '' : path.basename(file),
    megabytes: baseline ? 0 : statSync(file).size / 1e6,
    rows: r.rows,
    wallSeconds: baseline ? 0 : r.wall,
    cpuSeconds: baseline ? 0 : r.cpu,
    rowsPerSecond: baseline ? 0 : r.rows / r.wall,
    rowsPerCpuSecond: baseline ? 0 : r.rows / r.cpu,
    peakRssMiB: r.peakRssMiB,
  };
}

export async function run(options: { quick?: boolean; rows?: number } = {}): Promise<IngestBenchResult> {
  const rows = options.rows ?? (options.quick === true ? 20_000 : 1_000_000);
  const repeats = options.quick === true ? 1 : 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'nutmeg-bench-ingest-'));
  try {
    const files = await writeFiles(dir, rows);
    const readers: ReaderResult[] = [
      measure('baseline', '', 1),
      measure('csv', files.csv, repeats),
      measure('csv-full', files.csv, options.quick === true ? 1 : 1),
      // (not in --quick runs, which scale.ts repeats per size: the fast path's cost again)
      ...(options.quick === true ? [] : [measure('tsv', files.tsv, repeats), measure('csv2', files.csv2, repeats)]),
      measure('parquet', files.parquet, repeats),
      measure('arrow', files.arrow, repeats),
    ];
    return { rows, columns: COLUMNS, loadAverage: loadavg(), readers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a markdown table (bench/README.md). */
export function ingestTable(result: IngestBenchResult): string {
  const lines = [
    `${result.rows.toLocaleString('en-US')} rows × ${result.columns} numeric columns; load average ${result.loadAverage.map((x) => x.toFixed(1)).join(', ')}`,
    '',
    '| reader | file MB | best wall s | CPU s | rows/s (wall) | rows/s (CPU) | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of result.readers) {
    if (r.reader === 'baseline') {
      lines.push(`| baseline (node + tsx, nothing read) | | | | | | ${r.peakRssMiB.toFixed(0)} |`);
      continue;
    }
    const name = { csv: 'CSV (readDataFile: fast path)', 'csv-full': 'CSV, full parser (csv-parse)', tsv: 'tab-separated (readDataFile: fast path)', csv2: 'semicolons and decimal commas (readDataFile: fast path)', parquet: 'Parquet (JavaScript reader: hyparquet + parquet-pages.ts)', arrow: 'Arrow IPC file (apache-arrow)' }[r.reader];
    const m = (x: number): string => (x / 1e6).toFixed(2) + ' M';
    lines.push(
      `| ${name} | ${r.megabytes.toFixed(1)} | ${r.wallSeconds.toFixed(3)} | ${r.cpuSeconds.toFixed(3)} | ${m(r.rowsPerSecond)} | ${m(r.rowsPerCpuSecond)} | ${r.peakRssMiB.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

const argv = process.argv;
if (argv[2] === '--child') {
  await child(argv[3] as Reader, argv[4], Number(argv[5]));
} else if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  const rows = argv[2] !== undefined ? Number(argv[2]) : undefined;
  process.stdout.write(ingestTable(await run({ rows })) + '\n');
}
