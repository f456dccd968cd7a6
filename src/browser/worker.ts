/**
 * The fit's Web Worker: reads the data, fits, summarizes, runs PSIS-LOO and posts the results, off the page's main
 * thread. Progress is posted at most every PROGRESS_MS; 'cancel' stops sampling after the current iteration and the
 * draws made so far come back marked incomplete (as Ctrl-C does in the CLI); 'files' answers with the last run as a
 * zip of its run directory (run-files.ts). Messages: protocol.ts. Typed for a dedicated worker's scope without the DOM
 * library (the core's tsconfig has none).
 */
import { samplerDiagnostics, samplerWarnings, convergenceWarnings } from '../diagnostics/sampler-checks.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { fitModel, type Fit } from '../fit/fit.js';
import { addHillstromFeatures } from '../data/hillstrom.js';
import { simulateHillstrom } from '../data/simulate/hillstrom.js';
import type { Frame } from '../data/frame.js';
import type { RunDataSource } from '../io/run-meta.js';
import type { NamedLoo } from '../loo/compare.js';
import { looOfFit } from '../loo/fit-loo.js';
import type { LooResult } from '../loo/loo.js';
import { parsePriorArgs } from '../model/priors-config.js';
import type { ReportSection } from '../report/section.js';
import { readDataBytes } from './data.js';
import { errorField } from './error-field.js';
import { comparisonSection, looSection, populationForestSection, ppcSectionOf, samplerSection } from './fit-sections.js';
import type { Field, FitRequest, FromWorker, ToWorker, WireDraws } from './protocol.js';
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
/** PSIS-LOO of every complete fit of the session, with what its data were (fits are compared on the same data). */
const sessionFits: (NamedLoo & { readonly data: string })[] = [];
let controller: AbortController | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** The one-line message of a UserError (the CLI's "error: …" line without its prefix); anything else's first line. */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** The fit's data; a CSV file's dialect line goes to the log, its warnings (columns left out) to `warnings`. */
async function frameOf(data: FitRequest['data'], warnings: string[]): Promise<{ frame: Frame; source: RunDataSource }> {
  if (data.kind === 'simulated') {
    const frame = addHillstromFeatures(simulateHillstrom({ seed: data.seed, n: data.rows }).frame);
    return { frame, source: { source: `sim:${data.name}`, seed: data.seed, rows: frame.nRows } };
  }
  const frame = await readDataBytes(data.bytes, data.name, { log: (line) => post({ type: 'log', line }), warn: (message) => warnings.push(message) });
  return { frame, source: { source: data.name, seed: null, rows: frame.nRows } };
}

/** The draws for postMessage, and what to transfer: their buffer, unless it is a SharedArrayBuffer (shared, not moved). */
function wire(ds: DrawSet): { draws: WireDraws; transfer: Transferable[] } {
  const buffer = ds.values.buffer;
  return { draws: { names: ds.names, nChains: ds.nChains, nDraws: ds.nDraws, values: ds.values }, transfer: buffer instanceof ArrayBuffer ? [buffer] : [] };
}

/** PSIS-LOO of the fit, or the one line saying why it could not be computed. */
async function looOrReason(fit: Fit): Promise<LooResult | string> {
  try {
    return await looOfFit(fit);
  } catch (e) {
    return oneLine(e);
  }
}

/** The report sections of a fit (fit-sections.ts); the session's comparison gains the fit when its LOO is known. */
async function sectionsOf(fit: Fit, request: FitRequest, source: RunDataSource, summary: readonly SummaryRow[], warnings: string[]): Promise<ReportSection[]> {
  const sections = [samplerSection(fit.draws)];
  if (fit.sample.incomplete || fit.sample.samplingDone === 0) return sections;
  sections.push(populationForestSection(summary), ppcSectionOf(fit.model.spec, fit.draws, request.seed));
  const loo = await looOrReason(fit);
  sections.push(looSection(loo));
  if (typeof loo === 'string') {
    warnings.push(`LOO: ${loo}`);
    return sections;
  }
  const data = `${source.source} ${source.seed ?? ''} ${source.rows} ${fit.model.spec.outcome}`;
  sessionFits.push({ name: `fit ${sessionFits.length + 1}: ${request.formula} (${fit.model.spec.family})`, loo, data });
  const comparison = comparisonSection(sessionFits.filter((f) => f.data === data));
  if (comparison) sections.push(comparison);
  return sections;
}

async function runFit(request: FitRequest): Promise<void> {
  const started = performance.now();
  let field: Field = 'data';
  const warnings: string[] = [];
  const { frame, source } = await frameOf(request.data, warnings).catch((e: unknown) => {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { field });
  });
  let priors: Record<string, string> | undefined;
  try {
    priors = request.priors.length > 0 ? parsePriorArgs(request.priors) : undefined;
  } catch (e) {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { field: 'prior' });
  }
  field = 'formula';
  controller = new AbortController();
  let lastPost = 0;
  const fit = await fitModel(frame, request.formula, {
    family: request.family,
    chains: request.chains,
    warmup: request.warmup,
    draws: request.draws,
    seed: request.seed,
    backend: request.backend,
    priors,
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
    // the data's name in messages, so that one naming a row or column of the file is shown beside it (error-field.ts)
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { field, source: frame.source });
  });
  controller = null;
  const s = fit.sample;
  const summary = summarizeDraws(fit.draws);
  const fitWarnings = [...summary.warnings, ...samplerWarnings(samplerDiagnostics(fit.stats, s.settings.maxTreeDepth))];
  fitWarnings.push(...convergenceWarnings(summary.rows, fit.draws.nChains));
  warnings.push(...fitWarnings.map((w) => w.message));
  if (s.incomplete) warnings.push(`sampling was interrupted after ${s.samplingDone} of ${s.settings.draws} draws; the output is marked incomplete`);
  const sections = await sectionsOf(fit, request, source, summary.rows, warnings);
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
      sections,
      seconds: (performance.now() - started) / 1000,
    },
    [...draws.transfer, ...stats.transfer],
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
      const { field: stage = 'run', source = null } = e as { field?: Field; source?: string };
      const line = oneLine(e);
      const field = errorField(stage, line, source);
      // a UserError is the CLI's one line; anything else is a bug, reported by its first line too
      post({ type: 'error', field, message: e instanceof UserError ? e.message : `internal error: ${oneLine(e)}` });
    });
  }
};
