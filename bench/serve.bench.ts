/**
 * Benchmark: the scoring API under load on loopback. A small model is fitted (hierarchical Hillstrom formula on
 * 2,000 simulated rows, 2 chains × 250 draws → 500 posterior draws; native backend where built, else reference) and
 * written as a run; `bench/serve-server.ts` serves it in a child process; this process sends 10,000 POST /score
 * requests of one customer each (and, separately, 200 requests of 100 customers) from a bounded pool of concurrent
 * keep-alive connections (node:http), and reports latency percentiles, throughput and errors (non-200 answers or
 * failed requests; must be 0 — run() throws otherwise). Quick mode: 300 + 20 requests on a 100 + 100 fit.
 * run() returns one flat record per load (latencies in ms), which bench/run.ts keeps in bench/results/*.json and
 * bench/report.ts renders as a table in the README's section. Run alone: `npx tsx bench/serve.bench.ts [--quick]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadNativeAddon } from '../src/backend/native.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import type { Frame } from '../src/data/frame.js';
import { fitModel } from '../src/fit/fit.js';
import { runMeta, writeRun } from '../src/io/run-dir.js';

export interface LoadResult {
  readonly requests: number;
  readonly rowsPerRequest: number;
  readonly concurrency: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** Latency in milliseconds. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface ServeBenchResult {
  readonly draws: number;
  readonly backend: string;
  readonly cpus: number;
  readonly loadAverage: number;
  readonly single: LoadResult;
  readonly batch: LoadResult;
}

/** One row of the results table: a load and its figures (latencies in milliseconds). */
export interface ServeBenchRow {
  readonly load: string;
  readonly requests: number;
  readonly rows_per_request: number;
  readonly concurrency: number;
  readonly errors: number;
  readonly requests_per_second: number;
  readonly p50_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly posterior_draws: number;
  readonly fit_backend: string;
  readonly cpus: number;
  readonly load_average: number;
}

/** The result as flat records, one per load: what the results JSON and the README table carry. */
export function benchRows(r: ServeBenchResult): ServeBenchRow[] {
  const row = (load: string, l: LoadResult): ServeBenchRow => ({
    load,
    requests: l.requests,
    rows_per_request: l.rowsPerRequest,
    concurrency: l.concurrency,
    errors: l.errors,
    requests_per_second: l.requestsPerSecond,
    p50_ms: l.p50,
    p90_ms: l.p90,
    p99_ms: l.p99,
    max_ms: l.max,
    posterior_draws: r.draws,
    fit_backend: r.backend,
    cpus: r.cpus,
    load_average: r.loadAverage,
  });
  return [row('POST /score, one customer', r.single), row('POST /score, 100 customers', r.batch)];
}

const INPUTS = ['recency_z', 'history_z', 'mens', 'womens', 'newbie', 'history_segment'] as const;

/** JSON bodies of `count` requests of `rows` customers each, taken round-robin from the frame. */
function bodies(frame: Frame, count: number, rows: number): string[] {
  const columns = INPUTS.map((name) => {
    const c = frame.columns.get(name);
    if (!c) throw new Error(`simulated frame has no ${name}`);
    return c;
  });
  const out: string[] = [];
  let i = 0;
  for (let r = 0; r < count; r++) {
    const list: Record<string, number | string>[] = [];
    for (let k = 0; k < rows; k++, i = (i + 1) % frame.nRows) {
      const row: Record<string, number | string> = { id: i };
      columns.forEach((c, j) => {
        row[INPUTS[j]] = c.kind === 'categorical' ? c.levels[c.codes[i]] : c.values[i];
      });
      list.push(row);
    }
    out.push(JSON.stringify({ rows: list }));
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function postOnce(url: URL, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: '/score', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends every body with at most `concurrency` in flight; latency of each from send to the end of the answer. */
async function load(base: string, payloads: readonly string[], rowsPerRequest: number, concurrency: number): Promise<LoadResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latency = new Float64Array(payloads.length);
  let next = 0;
  let errors = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < payloads.length) {
      const k = next++;
      const t = performance.now();
      try {
        if ((await postOnce(url, agent, payloads[k])) !== 200) errors++;
      } catch {
        errors++;
      }
      latency[k] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latency.sort();
  return {
    requests: payloads.length,
    rowsPerRequest,
    concurrency,
    errors,
    seconds,
    requestsPerSecond: payloads.length / seconds,
    p50: percentile(latency, 0.5),
    p90: percentile(latency, 0.9),
    p99: percentile(latency, 0.99),
    max: latency[latency.length - 1],
  };
}

async function startServer(runDir: string): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./serve-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, runDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, url };
}

export interface ServeBenchOptions {
  readonly quick?: boolean;
  readonly requests?: number;
  readonly concurrency?: number;
}

/** The bench module's entry point (bench/modules.ts): the figures as table rows. */
export async function run(options: ServeBenchOptions = {}): Promise<ServeBenchRow[]> {
  return benchRows(await measure(options));
}

export async function measure(options: ServeBenchOptions = {}): Promise<ServeBenchResult> {
  const quick = options.quick ?? false;
  const requests = options.requests ?? (quick ? 300 : 10_000);
  const concurrency = options.concurrency ?? 8;
  const iterations = quick ? 100 : 250;
  const { frame } = builtinDataset('hillstrom', 1, 2000);
  const backend = loadNativeAddon() ? 'native' : 'reference';
  const fit = await fitModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical, backend, chains: 2, warmup: iterations, draws: iterations, seed: 1 });
  const root = await mkdtemp(path.join(tmpdir(), 'nutmeg-serve-bench-'));
  try {
    const dir = path.join(root, 'run');
    writeRun(dir, fit, runMeta(fit, { source: 'sim:hillstrom', seed: 1, rows: frame.nRows }, 'bench'));
    await fit.dispose();
    const { child, url } = await startServer(dir);
    try {
      // warm-up: JIT and connection set-up, not counted
      await load(url, bodies(frame, 200, 1), 1, concurrency);
      const single = await load(url, bodies(frame, requests, 1), 1, concurrency);
      const batch = await load(url, bodies(frame, quick ? 20 : 200, 100), 100, concurrency);
      const result: ServeBenchResult = {
        draws: 2 * iterations,
        backend,
        cpus: availableParallelism(),
        loadAverage: loadavg()[0],
        single,
        batch,
      };
      if (single.errors + batch.errors > 0) {
        throw new Error(`scoring API: ${single.errors + batch.errors} failed requests under load`);
      }
      return result;
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await measure({ quick: process.argv.includes('--quick') });
  const line = (name: string, l: LoadResult): string =>
    `  ${name}: ${l.requests} requests × ${l.rowsPerRequest} rows, ${l.concurrency} in flight: ` +
    `p50 ${l.p50.toFixed(2)} ms, p90 ${l.p90.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(1)} ms, ` +
    `${l.requestsPerSecond.toFixed(0)} requests/s, ${l.errors} errors`;
  console.log(
    `POST /score on loopback, ${r.draws} posterior draws (fit on ${r.backend}), ${r.cpus} CPUs, load average ${r.loadAverage.toFixed(1)}:\n` +
      `${line('one customer', r.single)}\n${line('100 customers', r.batch)}`,
  );
}
