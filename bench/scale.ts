/**
 * The scaling suite (issue 16, "done when"): on the pooled Hillstrom model over the simulator's rows (`--rows`),
 *   1. time per gradient per row×chain vs rows, per backend (native, reference; WebGPU on llvmpipe at the small end):
 *      one backend call evaluates 4 chains; the best of the repetitions;
 *   2. peak RSS vs rows of the CPU fit path up to its first gradients — data (simulated, or read from a CSV or a
 *      Parquet file of the model's 7 columns) → model → native backend → 5 gradient calls — each size in its own
 *      process, whose VmHWM is its peak (sampling adds draws of 7 parameters, nothing per row: the whole-fit figure
 *      at 10⁷ rows is in bench/README.md);
 *   3. ingestion rows/s for CSV and Parquet vs rows (bench/ingest.bench.ts, 10 numeric columns);
 *   4. peak RSS vs rows of `nutmeg score` (in blocks of rows, issue 16 item 7) of a pooled run with 40 draws on a CSV
 *      of the simulator's raw columns, the ranked list of every row written with --out, each size in its own process
 *      (`--score-rss` runs this curve only);
 * drawn with bench/plot.ts's curvePlot (the levels sweep of another bench draws with the same function) as SVG under
 * bench/results/, with the figures as JSON beside them.
 *
 * Run: `EGL_PLATFORM=surfaceless npx tsx bench/scale.ts [--quick] [--max-rows N] [--no-webgpu] [--no-ingest]`.
 * Default sizes 10⁴ … 10⁷ (reference to 10⁶, WebGPU to 10⁵); --quick: 10⁴ and 10⁵ only.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackendKind } from '../src/backend/backend.js';
import type { Frame } from '../src/data/frame.js';
import { writeCurvePlot, type CurvePoint } from './plot.js';

const self = fileURLToPath(import.meta.url);
const FORMULA = 'conversion ~ treatment + recency_z + history_z + mens + womens + newbie';
/** The columns the pooled formula reads, written to the CSV and Parquet files. */
const MODEL_COLUMNS = ['conversion', 'treatment', 'recency_z', 'history_z', 'mens', 'womens', 'newbie'];
const CHAINS = 4;

type Source = 'sim' | 'csv' | 'parquet';

export interface GradientPoint {
  readonly backend: BackendKind;
  readonly rows: number;
  readonly calls: number;
  readonly secondsPerCall: number;
  /** secondsPerCall / (rows × chains). */
  readonly secondsPerRowChain: number;
}

export interface RssPoint {
  readonly source: Source;
  readonly rows: number;
  readonly peakRssMiB: number;
  /** How the native backend stores the data (its `storage` line). */
  readonly storage: string;
}

export interface ScaleResult {
  readonly date: string;
  readonly loadAverage: readonly number[];
  readonly gradient: readonly GradientPoint[];
  readonly rss: readonly RssPoint[];
  readonly ingest: readonly { readonly reader: string; readonly rows: number; readonly rowsPerSecond: number; readonly peakRssMiB: number }[];
  readonly score?: readonly ScoreRssPoint[];
}

export interface ScoreRssPoint {
  readonly rows: number;
  readonly draws: number;
  readonly peakRssMiB: number;
  /** Size of the CSV scored and of the ranked list written, MiB. */
  readonly inputMiB: number;
  readonly outputMiB: number;
  /** Wall seconds of the score command (read, score, spill, merge, write), at the load average beside it. */
  readonly seconds: number;
  readonly loadAverage: number;
}

async function hillstromFrame(rows: number): Promise<Frame> {
  const { loadData } = await import('../src/data/load.js');
  return loadData('sim:hillstrom', 1, rows).frame;
}

/** Positions near the truth for every chain (θ in the basis the backend sees), so no call overflows. */
function positions(dim: number, chains: number): Float64Array {
  const out = new Float64Array(chains * dim);
  for (let c = 0; c < chains; c++) for (let j = 0; j < dim; j++) out[c * dim + j] = 0.01 * ((c + j) % 5) - (j === 0 ? 5 : 0);
  return out;
}

async function timeGradients(kind: BackendKind, frame: Frame, budgetSeconds: number): Promise<GradientPoint | string> {
  const { buildModel } = await import('../src/model/build.js');
  const { createBackend } = await import('../src/backend/select.js');
  const model = buildModel(frame, FORMULA, { fixedBasis: 'natural' });
  let backend;
  try {
    backend = await createBackend(kind, model.spec, { maxChains: CHAINS });
  } catch (e) {
    return `${kind}: ${(e as Error).message.split('\n')[0]}`;
  }
  try {
    if (backend.kind !== kind) return `${kind}: fell back to ${backend.kind}`;
    const dim = backend.dim;
    const x = positions(dim, CHAINS);
    const logp = new Float64Array(CHAINS);
    const grad = new Float64Array(CHAINS * dim);
    await backend.logDensityGradient(x, CHAINS, logp, grad); // warm
    let best = Infinity;
    let calls = 0;
    const start = performance.now();
    while (calls < 3 || (calls < 50 && (performance.now() - start) / 1000 < budgetSeconds)) {
      const t = performance.now();
      await backend.logDensityGradient(x, CHAINS, logp, grad);
      best = Math.min(best, (performance.now() - t) / 1000);
      calls++;
    }
    return { backend: kind, rows: frame.nRows, calls, secondsPerCall: best, secondsPerRowChain: best / (frame.nRows * CHAINS) };
  } finally {
    await backend.dispose();
  }
}

/** This process's peak RSS (VmHWM, fresh after exec), MiB. */
function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m === null ? process.resourceUsage().maxRSS / 1024 : Number(m[1]) / 1024;
}

/** In the child: data → model → native backend → 5 gradients; prints peak RSS and the backend's storage line. */
async function rssChild(source: Source, what: string): Promise<void> {
  const { loadData } = await import('../src/data/load.js');
  const { buildModel } = await import('../src/model/build.js');
  const { createBackend } = await import('../src/backend/select.js');
  const frame = source === 'sim' ? loadData('sim:hillstrom', 1, Number(what)).frame : loadData(what, 1).frame;
  const model = buildModel(frame, FORMULA);
  const backend = await createBackend('native', model.spec, { maxChains: CHAINS });
  const x = positions(backend.dim, CHAINS);
  const logp = new Float64Array(CHAINS);
  const grad = new Float64Array(CHAINS * backend.dim);
  for (let k = 0; k < 5; k++) await backend.logDensityGradient(x, CHAINS, logp, grad);
  const storage = (backend as { storage?: string }).storage ?? '';
  await backend.dispose();
  process.stdout.write(JSON.stringify({ rows: frame.nRows, peakRssMiB: peakRssMiB(), storage }));
}

function measureRss(source: Source, what: string): RssPoint {
  const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--rss-child', source, what], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`scale bench: rss ${source} ${what} failed: ${out.stderr.split('\n').slice(-4).join(' ')}`);
  const r = JSON.parse(out.stdout) as { rows: number; peakRssMiB: number; storage: string };
  return { source, rows: r.rows, peakRssMiB: r.peakRssMiB, storage: r.storage };
}

/** The model's columns of `frame` as a CSV (written in blocks of rows) and a Parquet file (types kept: bytes stay bytes). */
export async function writeModelFiles(frame: Frame, dir: string): Promise<{ csv: string; parquet: string }> {
  const columns = MODEL_COLUMNS.map((name) => {
    const c = frame.columns.get(name);
    if (c?.kind !== 'numeric') throw new Error(`scale bench: no numeric column ${name}`);
    return c.values;
  });
  const csv = path.join(dir, `hillstrom-${frame.nRows}.csv`);
  const fd = openSync(csv, 'w');
  writeSync(fd, MODEL_COLUMNS.join(',') + '\n');
  const BLOCK = 100_000;
  for (let i0 = 0; i0 < frame.nRows; i0 += BLOCK) {
    let text = '';
    for (let i = i0; i < Math.min(frame.nRows, i0 + BLOCK); i++) {
      text += columns[0][i];
      for (let j = 1; j < columns.length; j++) text += ',' + columns[j][i];
      text += '\n';
    }
    writeSync(fd, text);
  }
  closeSync(fd);
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  const parquetWasm = await import('parquet-wasm/node');
  const table = tableFromArrays(Object.fromEntries(MODEL_COLUMNS.map((n, j) => [n, columns[j]])));
  const parquet = path.join(dir, `hillstrom-${frame.nRows}.parquet`);
  const props = new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression.SNAPPY).build();
  writeFileSync(parquet, parquetWasm.writeParquet(parquetWasm.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
  return { csv, parquet };
}

export async function run(options: { quick?: boolean; maxRows?: number; webgpu?: boolean; ingest?: boolean; fileRows?: readonly number[] } = {}): Promise<ScaleResult> {
  const all = options.quick === true ? [10_000, 100_000] : [10_000, 100_000, 1_000_000, 10_000_000];
  const sizes = all.filter((n) => n <= (options.maxRows ?? Infinity));
  const gradient: GradientPoint[] = [];
  const note = (line: string): void => void process.stderr.write(line + '\n');
  for (const rows of sizes) {
    const frame = await hillstromFrame(rows);
    const kinds: BackendKind[] = ['native'];
    if (rows <= 1_000_000) kinds.push('reference');
    if (options.webgpu !== false && rows <= 100_000) kinds.push('webgpu');
    for (const kind of kinds) {
      const r = await timeGradients(kind, frame, rows >= 1_000_000 ? 3 : 1);
      if (typeof r === 'string') note(`scale bench: skipped ${r}`);
      else {
        gradient.push(r);
        note(`gradient ${kind} ${rows}: ${(r.secondsPerRowChain * 1e9).toFixed(2)} ns per row×chain (${r.calls} calls)`);
      }
    }
  }
  const rss: RssPoint[] = [];
  for (const rows of [1_000, ...sizes]) {
    rss.push(measureRss('sim', String(rows)));
    note(`rss sim ${rows}: ${rss[rss.length - 1].peakRssMiB.toFixed(0)} MiB`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'nutmeg-bench-scale-'));
  try {
    for (const rows of options.fileRows ?? sizes.filter((n) => n >= 100_000)) {
      const files = await writeModelFiles(await hillstromFrame(rows), dir);
      for (const source of ['csv', 'parquet'] as const) {
        rss.push(measureRss(source, files[source]));
        note(`rss ${source} ${rows}: ${rss[rss.length - 1].peakRssMiB.toFixed(0)} MiB`);
      }
      rmSync(files.csv);
      rmSync(files.parquet);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ingest: ScaleResult['ingest'][number][] = [];
  if (options.ingest !== false) {
    const { run: ingestRun } = await import('./ingest.bench.js');
    for (const rows of sizes.filter((n) => n <= 1_000_000)) {
      const r = await ingestRun({ rows, quick: true });
      for (const reader of r.readers) {
        if (reader.reader === 'baseline') continue;
        ingest.push({ reader: reader.reader, rows, rowsPerSecond: reader.rowsPerSecond, peakRssMiB: reader.peakRssMiB });
      }
      note(`ingest ${rows}: ${r.readers.map((x) => `${x.reader} ${(x.rowsPerSecond / 1e6).toFixed(2)} M/s`).join(', ')}`);
    }
  }
  return { date: new Date().toISOString(), loadAverage: loadavg(), gradient, rss, ingest };
}

/** The three plots of a run, written into `dir`; returns their paths. */
export async function writeScalePlots(result: ScaleResult, dir: string): Promise<string[]> {
  const gradientPoints: CurvePoint[] = result.gradient.map((g) => ({ series: g.backend, x: g.rows, y: g.secondsPerRowChain * 1e9 }));
  const rssPoints: CurvePoint[] = result.rss.map((r) => ({ series: r.source === 'sim' ? 'simulated' : r.source, x: r.rows, y: r.peakRssMiB }));
  const ingestPoints: CurvePoint[] = result.ingest.map((r) => ({ series: r.reader, x: r.rows, y: r.rowsPerSecond }));
  return [
    await writeCurvePlot(
      { title: `Pooled Hillstrom model: time per gradient per row×chain (${CHAINS} chains a call)`, xTitle: 'rows', yTitle: 'ns per row×chain', points: gradientPoints },
      dir,
      'scale-gradient-rows',
    ),
    await writeCurvePlot(
      { title: 'Peak RSS of data → model → native backend → gradients', xTitle: 'rows', yTitle: 'peak RSS (MiB)', points: rssPoints },
      dir,
      'scale-rss-rows',
    ),
    ...(ingestPoints.length > 0
      ? [await writeCurvePlot({ title: 'Ingestion of 10 numeric columns', xTitle: 'rows', yTitle: 'rows per second (wall)', points: ingestPoints }, dir, 'scale-ingest-rows')]
      : []),
  ];
}

/** Node flags of the score children (SCORE_NODE_FLAGS="--max-old-space-size=160" shows how much of the peak is garbage). */
const SCORE_NODE_FLAGS = (process.env.SCORE_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');

/** The simulator's raw columns that the pooled run's recipe reads (treatment and the _z columns are derived), and the outcome. */
const SCORE_COLUMNS = ['conversion', 'recency', 'history', 'mens', 'womens', 'newbie', 'segment'];

/** `rows` simulated rows (seed 2, not the training seed) as a CSV of SCORE_COLUMNS, written in blocks. */
async function writeScoreRows(rows: number, file: string): Promise<void> {
  const { loadData } = await import('../src/data/load.js');
  const { frame } = loadData('sim:hillstrom', 2, rows, { features: false });
  const columns = SCORE_COLUMNS.map((name) => frame.columns.get(name));
  const fd = openSync(file, 'w');
  writeSync(fd, SCORE_COLUMNS.join(',') + '\n');
  for (let i0 = 0; i0 < rows; i0 += 100_000) {
    let text = '';
    for (let i = i0; i < Math.min(rows, i0 + 100_000); i++) {
      text += columns.map((c) => (c?.kind === 'categorical' ? c.levels[c.codes[i]] : c?.kind === 'numeric' ? c.values[i] : '')).join(',') + '\n';
    }
    writeSync(fd, text);
  }
  closeSync(fd);
}

/** In the child: `nutmeg score RUN --data CSV --out OUT`; prints its peak RSS and wall time. */
async function scoreRssChild(runDir: string, csv: string, out: string): Promise<void> {
  const { main } = await import('../src/cli/main.js');
  const t = performance.now();
  const code = await main(['node', 'nutmeg', 'score', runDir, '--data', csv, '--out', out, '--top', '0', '--quiet']);
  if (code !== 0) throw new Error(`scale bench: nutmeg score exited ${code}`);
  // the last line: after the metrics that score prints
  const heap = process.memoryUsage();
  process.stdout.write('\n' + JSON.stringify({ peakRssMiB: peakRssMiB(), seconds: (performance.now() - t) / 1000, heapTotalMiB: heap.heapTotal / 2 ** 20, heapUsedMiB: heap.heapUsed / 2 ** 20 }));
}

/** Peak RSS of scoring `sizes` rows, each in its own process, with a pooled run of 40 draws fitted here. */
export async function scoreRssCurve(sizes: readonly number[]): Promise<ScoreRssPoint[]> {
  const { loadData } = await import('../src/data/load.js');
  const { fitModel } = await import('../src/fit/fit.js');
  const { runMeta, writeRun } = await import('../src/io/run-dir.js');
  const { statSync } = await import('node:fs');
  const dir = mkdtempSync(path.join(tmpdir(), 'nutmeg-bench-score-'));
  const points: ScoreRssPoint[] = [];
  try {
    const { frame } = loadData('sim:hillstrom', 1, 5000);
    const fit = await fitModel(frame, FORMULA, { backend: 'reference', chains: 1, warmup: 150, draws: 40, seed: 1 });
    const runDir = path.join(dir, 'run');
    try {
      writeRun(runDir, fit, runMeta(fit, { source: 'sim:hillstrom', seed: 1, rows: 5000 }, 'bench'));
    } finally {
      await fit.dispose();
    }
    for (const rows of sizes) {
      const csv = path.join(dir, `rows-${rows}.csv`);
      const out = path.join(dir, `ranked-${rows}.csv`);
      await writeScoreRows(rows, csv);
      const child = spawnSync(process.execPath, [...SCORE_NODE_FLAGS, '--import', 'tsx', self, '--score-rss-child', runDir, csv, out], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`scale bench: score ${rows} failed: ${child.stderr.split('\n').slice(-4).join(' ')}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as { peakRssMiB: number; seconds: number; heapTotalMiB: number };
      const mib = (file: string): number => statSync(file).size / 2 ** 20;
      points.push({ rows, draws: 40, peakRssMiB: r.peakRssMiB, inputMiB: mib(csv), outputMiB: mib(out), seconds: r.seconds, loadAverage: loadavg()[0] });
      process.stderr.write(`score rss ${rows}: ${r.peakRssMiB.toFixed(0)} MiB, V8 heap at the end ${r.heapTotalMiB.toFixed(0)} MiB (${r.seconds.toFixed(0)} s at load ${loadavg()[0].toFixed(1)})\n`);
      rmSync(csv);
      rmSync(out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return points;
}

const argv = process.argv;
if (argv[2] === '--rss-child') {
  await rssChild(argv[3] as Source, argv[4]);
} else if (argv[2] === '--score-rss-child') {
  await scoreRssChild(argv[3], argv[4], argv[5]);
} else if (argv[2] === '--score-rss') {
  const sizes = argv.slice(3).map(Number);
  const points = await scoreRssCurve(sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000, 10_000_000]);
  const dir = path.join(path.dirname(self), 'results');
  writeFileSync(path.join(dir, `scale-score-${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify(points, null, 1) + '\n');
  const file = await writeCurvePlot(
    { title: 'Peak RSS of nutmeg score --out (40 draws, blocks of 65,536 rows)', xTitle: 'rows', yTitle: 'peak RSS (MiB)', points: points.map((p) => ({ series: 'score', x: p.rows, y: p.peakRssMiB })) },
    dir,
    'scale-score-rss-rows',
  );
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
} else if (import.meta.url === pathToFileURL(argv[1] ?? '').href) {
  const flag = (name: string): boolean => argv.includes(name);
  const at = argv.indexOf('--max-rows');
  const result = await run({
    quick: flag('--quick'),
    maxRows: at >= 0 ? Number(argv[at + 1]) : undefined,
    webgpu: !flag('--no-webgpu'),
    ingest: !flag('--no-ingest'),
  });
  const dir = path.join(path.dirname(self), 'results');
  const stamp = result.date.slice(0, 10);
  writeFileSync(path.join(dir, `scale-${stamp}.json`), JSON.stringify(result, null, 1) + '\n');
  for (const file of await writeScalePlots(result, dir)) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
