/**
 * The fit's Web Worker: reads the data, fits, summarizes, runs PSIS-LOO and posts the results, off the page's main
 * thread. Progress is posted at most every PROGRESS_MS; 'cancel' stops sampling after the current iteration and the
 * draws made so far come back marked incomplete (as Ctrl-C does in the CLI); 'files' answers with the last run as a
 * zip of its run directory (run-files.ts). Messages: protocol.ts. Typed for a dedicated worker's scope without the DOM
 * library (the core's tsconfig has none).
 */
import { samplerDiagnostics, samplerWarnings, convergenceWarnings } from '../diagnostics/sampler-checks.js';
import { summarizeDraws } from '../diagnostics/summary.js';
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { fitModel, type Fit } from '../fit/fit.js';
import { addHillstromFeatures } from '../data/hillstrom.js';
import { simulateHillstrom } from '../data/simulate/hillstrom.js';
import type { Frame } from '../data/frame.js';
import type { RunDataSource } from '../io/run-meta.js';
import { looOfFit } from '../loo/fit-loo.js';
import { readCsvBytes } from './data.js';
import type { Field, FitRequest, FromWorker, LooSummary, ToWorker, WireDraws } from './protocol.js';
import { runFiles } from './run-files.js';
import { storedZip } from './stored-zip.js';

declare const NUTMEG_VERSION: string;

/** What a worker can hand over without copying (the DOM library's Transferable, of which this needs buffers). */
type Transferable = ArrayBuffer;

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: { readonly data: ToWorker }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const PROGRESS_MS = 150;

interface LastRun {
  readonly fit: Fit;
  readonly data: RunDataSource;
  readonly warnings: readonly string[];
}

let lastRun: LastRun | null = null;
let controller: AbortController | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** The one-line message of a UserError (the CLI's "error: …" line without its prefix); anything else's first line. */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function frameOf(data: FitRequest['data']): Promise<{ frame: Frame; source: RunDataSource }> {
  if (data.kind === 'simulated') {
    const frame = addHillstromFeatures(simulateHillstrom({ seed: data.seed, n: data.rows }).frame);
    return { frame, source: { source: `sim:${data.name}`, seed: data.seed, rows: frame.nRows } };
  }
  const frame = await readCsvBytes(data.bytes, data.name);
  return { frame, source: { source: data.name, seed: null, rows: frame.nRows } };
}

function wire(ds: DrawSet): { draws: WireDraws; transfer: Transferable } {
  return { draws: { names: ds.names, nChains: ds.nChains, nDraws: ds.nDraws, values: ds.values }, transfer: ds.values.buffer as ArrayBuffer };
}

async function looSummary(fit: Fit, warnings: string[]): Promise<LooSummary | null> {
  try {
    const loo = await looOfFit(fit);
    const k = loo.paretoKTable;
    return {
      elpdLoo: loo.elpdLoo.estimate,
      elpdLooSe: loo.elpdLoo.se,
      pLoo: loo.pLoo.estimate,
      pLooSe: loo.pLoo.se,
      looic: loo.looic.estimate,
      looicSe: loo.looic.se,
      paretoK: [k.good, k.ok, k.bad, k.veryBad],
      warnings: loo.warnings,
    };
  } catch (e) {
    warnings.push(`LOO: ${oneLine(e)}`);
    return null;
  }
}

async function runFit(request: FitRequest): Promise<void> {
  const started = performance.now();
  let field: Field = 'data';
  const { frame, source } = await frameOf(request.data).catch((e: unknown) => {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { field });
  });
  field = 'formula';
  const warnings: string[] = [];
  controller = new AbortController();
  let lastPost = 0;
  const fit = await fitModel(frame, request.formula, {
    family: request.family,
    chains: request.chains,
    warmup: request.warmup,
    draws: request.draws,
    seed: request.seed,
    backend: request.backend,
    signal: controller.signal,
    log: (line) => post({ type: 'log', line }),
    onModel: (model) => {
      field = 'run';
      warnings.push(...model.warnings);
    },
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastPost < PROGRESS_MS && p.iteration < p.totalIterations) return;
      lastPost = now;
      const chains = Array.from({ length: p.nChains }, (_, c) => ({
        gradients: p.gradients[c],
        divergences: p.divergences[c] + p.warmupDivergences[c],
        stepSize: p.stepSize[c],
      }));
      post({ type: 'progress', phase: p.phase, iteration: p.iteration, totalIterations: p.totalIterations, chains });
    },
  }).catch((e: unknown) => {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { field });
  });
  controller = null;
  const s = fit.sample;
  const summary = summarizeDraws(fit.draws);
  const fitWarnings = [...summary.warnings, ...samplerWarnings(samplerDiagnostics(fit.stats, s.settings.maxTreeDepth))];
  fitWarnings.push(...convergenceWarnings(summary.rows, fit.draws.nChains));
  warnings.push(...fitWarnings.map((w) => w.message));
  if (s.incomplete) warnings.push(`sampling was interrupted after ${s.samplingDone} of ${s.settings.draws} draws; the output is marked incomplete`);
  const loo = s.incomplete || s.samplingDone === 0 ? null : await looSummary(fit, warnings);
  if (lastRun) await lastRun.fit.dispose();
  lastRun = { fit, data: source, warnings: [...warnings] };
  // the run files are made from the sampler's own draws (fit.sample), so the constrained ones can move to the page;
  // the sampler statistics are fit.sample's too, so a copy of them moves (7 values a draw)
  const draws = wire(fit.draws);
  const stats = wire({ ...fit.stats, values: fit.stats.values.slice() });
  post(
    {
      type: 'done',
      backend: { kind: fit.backend.kind, description: fit.backend.description },
      incomplete: s.incomplete,
      rows: frame.nRows,
      draws: draws.draws,
      stats: stats.draws,
      summary: summary.rows,
      warnings,
      loo,
      seconds: (performance.now() - started) / 1000,
    },
    [draws.transfer, stats.transfer],
  );
}

function filesOfLastRun(): void {
  if (lastRun === null) {
    post({ type: 'error', field: 'run', message: 'no run to download yet; fit a model first' });
    return;
  }
  const files = runFiles(lastRun.fit, lastRun.data, NUTMEG_VERSION, lastRun.warnings);
  const name = 'nutmeg-run';
  const zip = storedZip(files.map((f) => ({ name: `${name}/${f.name}`, bytes: f.bytes })));
  post({ type: 'files', name: `${name}.zip`, zip }, [zip.buffer as ArrayBuffer]);
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'cancel') controller?.abort();
  else if (message.type === 'files') filesOfLastRun();
  else {
    runFit(message).catch((e: unknown) => {
      controller = null;
      const stage = (e as { field?: Field }).field ?? 'run';
      // the model's family and link checks speak of the family, the rest of building of the formula
      const field = stage === 'formula' && /^(family|link) /.test(oneLine(e)) ? 'family' : stage;
      // a UserError is the CLI's one line; anything else is a bug, reported by its first line too
      post({ type: 'error', field, message: e instanceof UserError ? e.message : `internal error: ${oneLine(e)}` });
    });
  }
};
