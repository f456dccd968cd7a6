/**
 * The summary spread over CPU threads: variables are independent, so worker threads take them one at a time from a
 * shared counter while the calling thread does the same; rows land in draws order, identical to `summarizeDraws`.
 * The draws are shared with the workers through a SharedArrayBuffer (copied once if they are not already in one).
 *
 * A worker loads this module by its own URL, so it runs wherever the module itself can be loaded (the built
 * JavaScript, or TypeScript under a loader such as tsx that workers inherit). If a worker cannot start or fails,
 * the calling thread summarizes whatever is left, so the result never depends on whether threads were available.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type { DrawSet } from '../draws.js';
import { allStored, columnVariable, type ColumnDraws } from '../column-draws.js';
import type { ChainDraws } from './chains.js';
import type { DiagnosticWarning, Summary, SummaryOptions, SummaryRow } from './summary.js';
import { checkedHdiProb, nonFiniteWarning, selectVariables, summarizeVariable } from './summary.js';
import { DiagnosticsWorkspace } from './workspace.js';

export interface ParallelSummaryOptions extends SummaryOptions {
  /** Threads in all, the calling one included (default: the machine's available parallelism). */
  readonly threads?: number;
  /** Below this many draws in all (variables × chains × draws), one thread (default 2,000,000: below it,
   * starting threads costs more than it saves). */
  readonly minParallelDraws?: number;
  /** Whether the calling thread summarizes variables too (default true); false keeps it free while workers run
   * (it then only takes over what workers could not do). */
  readonly useCallingThread?: boolean;
  /**
   * What workers load when this module runs from TypeScript source: 'auto' (default) the built JavaScript in dist/
   * when it is up to date with the sources (workers start several times faster), else the source through tsx's
   * loader; 'source' always the source (tests of the source use it). Built JavaScript always loads itself.
   */
  readonly workerCode?: 'auto' | 'source';
}

export interface ParallelSummary extends Summary {
  /** How many variables worker threads summarized (the rest the calling thread did). */
  readonly rowsFromWorkers: number;
}

const MIN_PARALLEL_DRAWS = 2_000_000;

/**
 * True in the CLI bundle (scripts/build-node.mjs defines it): there this code sits in a shared chunk, which exports
 * nothing under its own names, and the bundle's entry `summary-worker.js` beside it is what a worker loads.
 */
declare const NUTMEG_NODE_BUNDLE: boolean | undefined;

/** The URL a worker loads to reach runSummaryWorker: this module's own, or the bundle's worker entry. */
function workerModuleUrl(): string {
  return typeof NUTMEG_NODE_BUNDLE !== 'undefined' && NUTMEG_NODE_BUNDLE ? new URL('./summary-worker.js', import.meta.url).href : import.meta.url;
}

interface Job {
  /** The stored variables (ColumnDraws.base). */
  readonly values: SharedArrayBuffer;
  readonly nChains: number;
  readonly nDraws: number;
  readonly names: readonly string[];
  /** ColumnDraws's source, chains (shared), stride, column and scale: the variables read from the chains. */
  readonly source: Int32Array;
  readonly chains: readonly SharedArrayBuffer[];
  readonly stride: number;
  readonly column: Int32Array;
  readonly scale: Int32Array;
  /** Variable indices to summarize, in output order. */
  readonly selected: readonly number[];
  readonly hdiProb: number;
  readonly quantileMcse: boolean;
  /** One Int32: the next position in `selected` to claim. */
  readonly counter: SharedArrayBuffer;
}

interface RowMessage {
  readonly position: number;
  readonly row: SummaryRow;
}

/** The job's draws as ColumnDraws over its shared memory (no copy). */
function columnsOf(job: Job): ColumnDraws {
  const base = { names: [], nChains: job.nChains, nDraws: job.nDraws, values: new Float64Array(job.values) };
  const chains = job.chains.map((b) => new Float64Array(b));
  return { names: job.names, nChains: job.nChains, nDraws: job.nDraws, base, source: job.source, chains, stride: job.stride, column: job.column, scale: job.scale };
}

function chainsOf(cd: ColumnDraws, i: number, scratch: Float64Array): ChainDraws {
  return { values: columnVariable(cd, i, scratch), nChains: cd.nChains, nDraws: cd.nDraws };
}

/** Claims positions from the shared counter and summarizes them until none are left (with a workspace of its own). */
function drain(job: Job, emit: (m: RowMessage) => void, draws: ColumnDraws = columnsOf(job)): void {
  const counter = new Int32Array(job.counter);
  const ws = new DiagnosticsWorkspace();
  // a variable read from the chains is gathered here, one at a time
  const scratch = new Float64Array(job.nChains * job.nDraws);
  for (;;) {
    const position = Atomics.add(counter, 0, 1);
    if (position >= job.selected.length) return;
    const v = job.selected[position];
    emit({ position, row: summarizeVariable(job.names[v], chainsOf(draws, v, scratch), ws, job.hdiProb, job.quantileMcse) });
  }
}

/** Entry point of a worker thread (called from the bootstrap script below). */
export function runSummaryWorker(port: MessagePort, job: Job): void {
  drain(job, (m) => port.postMessage(m));
  port.postMessage('done');
}

/**
 * The worker's script. When this module runs from its TypeScript source (tests, tsx), workers do not inherit the
 * TypeScript loader, so the worker registers tsx's (resolved by the parent) before loading the module.
 */
const BOOTSTRAP = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsLoaderUrl) (await import(workerData.tsLoaderUrl)).register();
  const summaryModule = await import(workerData.moduleUrl);
  // the job arrives by message (queued until now), so that the worker can start while the draws are being shared
  parentPort.once('message', (job) => summaryModule.runSummaryWorker(parentPort, job));
})();
`;

/** Relative imports of a module's source that are loaded at run time (not `import type`), as source paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)\.js';/gms)) {
    out.push(join(dirname(file), `${m[1]}.ts`));
  }
  return out;
}

/**
 * The built JavaScript of this module (under dist/, as `npm run build` writes it), when this module runs from its
 * TypeScript source and every module a worker loads has been built since its source last changed; else null.
 * A worker that loads built JavaScript starts several times faster than one that needs the TypeScript loader.
 */
export function builtModuleUrl(): string | null {
  if (!import.meta.url.endsWith('.ts')) return null;
  try {
    const self = fileURLToPath(import.meta.url);
    const srcRoot = join(dirname(self), '..');
    const distRoot = join(srcRoot, '..', 'dist');
    const seen = new Set<string>();
    const pending = [self];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const rel = relative(srcRoot, file);
      if (rel.startsWith('..')) return null;
      const built = join(distRoot, rel.replace(/\.ts$/, '.js'));
      if (statSync(built).mtimeMs < statSync(file).mtimeMs) return null;
      pending.push(...runtimeImports(file));
    }
    return pathToFileURL(join(distRoot, relative(srcRoot, self).replace(/\.ts$/, '.js'))).href;
  } catch {
    return null; // no build, or a module missing from it
  }
}

/** URL of tsx's ESM loader API when this module is TypeScript source, else null (built JavaScript needs none). */
function typeScriptLoaderUrl(): string | null {
  if (!import.meta.url.endsWith('.ts')) return null;
  try {
    // the package's "import" entry for tsx/esm/api (a `require` resolution would give the CommonJS one)
    const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
    const exportsMap = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, unknown> }).exports;
    const entry = (exportsMap['./esm/api'] as { import: { default: string } }).import.default;
    return pathToFileURL(join(dirname(packageJson), entry)).href;
  } catch {
    return null;
  }
}

function sharedValues(values: Float64Array): SharedArrayBuffer {
  const { buffer, byteOffset, byteLength } = values;
  if (buffer instanceof SharedArrayBuffer && byteOffset === 0) return buffer;
  const shared = new SharedArrayBuffer(byteLength);
  new Float64Array(shared).set(values);
  return shared;
}

/** `summarizeDraws` of ColumnDraws on the calling thread (rows and warnings in the order of `names`). */
export function summarizeColumns(draws: ColumnDraws, options: SummaryOptions = {}): Summary {
  const hdiProb = checkedHdiProb(options);
  const rows: SummaryRow[] = [];
  const warnings: DiagnosticWarning[] = [];
  const ws = new DiagnosticsWorkspace();
  const scratch = new Float64Array(draws.nChains * draws.nDraws);
  for (const v of selectVariables(draws.names, options.variables)) {
    const x = chainsOf(draws, v, scratch);
    const row = summarizeVariable(draws.names[v], x, ws, hdiProb, options.quantileMcse ?? true);
    // only a variable with non-finite draws has no mean
    const warning = row.mean === null ? nonFiniteWarning(draws.names[v], x) : null;
    if (warning) warnings.push(warning);
    rows.push(row);
  }
  return { rows, warnings };
}

/** Like `summarizeDraws`, with the variables shared out among threads. */
export async function summarizeDrawsParallel(
  draws: DrawSet,
  options: ParallelSummaryOptions = {},
): Promise<ParallelSummary> {
  return summarizeColumnsParallel(allStored(draws), options);
}

/**
 * Like `summarizeColumns`, with the variables shared out among threads; the chains the columns are read from are
 * shared with the workers as they are where they lie in a SharedArrayBuffer (the sampler's do), else copied once.
 */
export async function summarizeColumnsParallel(
  draws: ColumnDraws,
  options: ParallelSummaryOptions = {},
): Promise<ParallelSummary> {
  const hdiProb = checkedHdiProb(options);
  const selected = selectVariables(draws.names, options.variables);
  const threads = Math.min(options.threads ?? availableParallelism(), selected.length);
  if (threads <= 1 || selected.length * draws.nChains * draws.nDraws < (options.minParallelDraws ?? MIN_PARALLEL_DRAWS)) {
    return { ...summarizeColumns(draws, options), rowsFromWorkers: 0 };
  }
  // workers take a while to start (more so under a TypeScript loader), so they are started first and get their
  // job once the draws are in shared memory
  const rows: (SummaryRow | undefined)[] = new Array(selected.length);
  const builtUrl = (options.workerCode ?? 'auto') === 'auto' ? builtModuleUrl() : null;
  const moduleUrl = builtUrl ?? workerModuleUrl();
  const tsLoaderUrl = builtUrl === null ? typeScriptLoaderUrl() : null;
  let rowsFromWorkers = 0;
  const workers: Worker[] = [];
  const finished: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    finished.push(
      new Promise<void>((resolve) => {
        let worker: Worker;
        try {
          worker = new Worker(BOOTSTRAP, { eval: true, workerData: { moduleUrl, tsLoaderUrl } });
        } catch {
          resolve();
          return;
        }
        workers.push(worker);
        worker.on('message', (m: RowMessage | 'done') => {
          if (m === 'done') void worker.terminate();
          else {
            rows[m.position] = m.row;
            rowsFromWorkers++;
          }
        });
        // a worker that cannot load or fails leaves its variables to the calling thread (below)
        worker.on('error', () => resolve());
        worker.on('exit', () => resolve());
      }),
    );
  }
  const job: Job = {
    values: sharedValues(draws.base.values),
    nChains: draws.nChains,
    nDraws: draws.nDraws,
    names: draws.names,
    source: draws.source,
    chains: draws.chains.map(sharedValues),
    stride: draws.stride,
    column: draws.column,
    scale: draws.scale,
    selected,
    hdiProb,
    quantileMcse: options.quantileMcse ?? true,
    counter: new SharedArrayBuffer(4),
  };
  for (const worker of workers) worker.postMessage(job);
  if (options.useCallingThread ?? true) {
    drain(
      job,
      (m) => {
        rows[m.position] = m.row;
      },
      draws,
    );
  }
  await Promise.all(finished);
  const warnings: DiagnosticWarning[] = [];
  let ws: DiagnosticsWorkspace | null = null; // for rows no thread summarized (a worker that failed)
  const scratch = new Float64Array(draws.nChains * draws.nDraws);
  const out = selected.map((v, position) => {
    const x = chainsOf(draws, v, scratch);
    const row = rows[position] ?? summarizeVariable(draws.names[v], x, (ws ??= new DiagnosticsWorkspace()), hdiProb, options.quantileMcse ?? true);
    // only a variable with non-finite draws has no mean
    const warning = row.mean === null ? nonFiniteWarning(draws.names[v], x) : null;
    if (warning) warnings.push(warning);
    return row;
  });
  return { rows: out, warnings, rowsFromWorkers };
}
