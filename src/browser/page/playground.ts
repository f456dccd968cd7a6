/**
 * The playground page (index.html beside it): data (the built-in Hillstrom simulator or a dropped CSV, Parquet or
 * Arrow file; src/browser/data.ts fetches the Parquet/Arrow reader, columnar.js, on the first such file), formula,
 * family, priors and sampler settings; the fit runs in worker.js (src/browser/worker.ts) with per-chain progress and a
 * cancel button; then the backend that ran, the summary table and the worker's report sections (fit-sections.ts:
 * trace and rank plots, the population-level forest plot, the posterior predictive check, PSIS-LOO and the comparison
 * of the session's fits), their Vega-Lite specs rendered to SVG here by Vega, which the page loads from its own
 * origin on the first plot (a chunk split off this script); the run downloads as a zip of the run directory the CLI
 * writes. Errors are the CLI's one-line messages, shown beside the field that caused them. Only same-origin files are
 * loaded.
 */
import { intIn, positiveInt } from '../../cli/options.js';
import type { SummaryRow } from '../../diagnostics/summary.js';
import { UserError } from '../../errors.js';
import { SETTING_RANGES, type IntRange } from '../../fit/bounds.js';
import { FAMILIES } from '../../model/spec.js';
import type { Family } from '../../model/spec.js';
import type { ReportSection } from '../../report/section.js';
import { renderSvg } from '../../report/plots/render.js';
import { formatNumber, type Cell } from '../../report/table.js';
import type { BrowserBackendChoice, DataSource, Field, FromWorker, ToWorker } from '../protocol.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
};

const form = $<HTMLFormElement>('form');
const fitButton = $<HTMLButtonElement>('fit');
const cancelButton = $<HTMLButtonElement>('cancel');
const downloadButton = $<HTMLButtonElement>('download');
const progressBox = $<HTMLDivElement>('progress');
const logBox = $<HTMLDivElement>('log');
const results = $<HTMLDivElement>('results');
const drop = $<HTMLDivElement>('drop');
const fileInput = $<HTMLInputElement>('file');
const familySelect = $<HTMLSelectElement>('family');

for (const f of FAMILIES) familySelect.add(new Option(f, f, f === 'bernoulli', f === 'bernoulli'));

let dropped: File | null = null;
let worker: Worker | null = null;
let running = false;

function showError(field: Field, message: string): void {
  const el = document.querySelector<HTMLElement>(`.error[data-field="${field}"]`);
  if (el) el.textContent = message;
}

function clearErrors(): void {
  for (const el of document.querySelectorAll<HTMLElement>('.error')) el.textContent = '';
}

function useFile(file: File): void {
  dropped = file;
  drop.firstChild!.textContent = `${file.name} (${file.size.toLocaleString()} bytes) — drop another to replace it, or `;
  document.querySelector<HTMLInputElement>('input[name=source][value=csv]')!.checked = true;
}

drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) useFile(file);
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) useFile(file);
});

/** A mistake in a field of the form, said in the CLI's words, shown beside `field`. */
class FieldError extends Error {
  constructor(
    readonly field: Field,
    message: string,
  ) {
    super(message);
  }
}

/** The CLI's parse of a flag's value from an input; its one-line UserError shown beside `field`. */
function fieldValue<T>(field: Field, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof UserError) throw new FieldError(field, e.message);
    throw e;
  }
}

/** A sampler setting as the CLI's --<flag> reads it (src/cli/options.ts intIn with src/fit/bounds.ts's range). */
function setting(id: string, flag: string, range: IntRange): number {
  return fieldValue('chains', () => intIn(flag, $<HTMLInputElement>(id).value.trim(), range));
}

/** The prior box: one CLI --prior value a line (blank lines and lines starting with # skipped). */
function priorLines(): string[] {
  return $<HTMLTextAreaElement>('priors')
    .value.split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

async function dataSource(): Promise<DataSource> {
  const source = document.querySelector<HTMLInputElement>('input[name=source]:checked')!.value;
  if (source === 'simulated') {
    const seed = fieldValue('data', () => intIn('--seed', $<HTMLInputElement>('dataSeed').value.trim(), SETTING_RANGES.seed));
    const rows = fieldValue('data', () => positiveInt('--rows', $<HTMLInputElement>('rows').value.trim()));
    return { kind: 'simulated', name: 'hillstrom', seed, rows };
  }
  if (dropped === null) throw new FieldError('data', '--data: no data file yet; drop a CSV, Parquet or Arrow file on the box or choose one');
  return { kind: 'csv', name: dropped.name, bytes: await dropped.arrayBuffer() };
}

function chainRows(n: number): HTMLProgressElement[] {
  progressBox.replaceChildren();
  return Array.from({ length: n }, (_, c) => {
    const row = document.createElement('div');
    row.className = 'chain';
    const bar = document.createElement('progress');
    bar.max = 1;
    bar.value = 0;
    const text = document.createElement('span');
    text.textContent = `chain ${c + 1}: starting`;
    row.append(bar, text);
    progressBox.append(row);
    return bar;
  });
}

const fmt = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const cellText = (c: Cell): string => (c === null ? 'NA' : typeof c === 'number' ? formatNumber(c, 4) : c);

function table(columns: readonly string[], rows: readonly (readonly string[])[], id?: string): HTMLTableElement {
  const t = document.createElement('table');
  if (id !== undefined) t.id = id;
  const head = t.createTHead().insertRow();
  for (const c of columns) head.append(Object.assign(document.createElement('th'), { textContent: c }));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const cell of r) tr.insertCell().textContent = cell;
  }
  return t;
}

/** Population-level rows (b_, sd_, cor_ and auxiliary parameters), not one row per group level. */
function populationRows(rows: readonly SummaryRow[]): SummaryRow[] {
  return rows.filter((r) => !r.variable.includes('['));
}

/** "Posterior predictive check" → "posterior-predictive-check", the section's id. */
const slug = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A report section: heading, paragraphs, tables and (rendered after the rest is on the page) its plots. */
function sectionElement(s: ReportSection, plots: { box: HTMLElement; spec: NonNullable<ReportSection['plots']>[number] }[]): HTMLElement {
  const el = document.createElement('section');
  el.id = `section-${slug(s.title)}`;
  el.append(Object.assign(document.createElement('h2'), { textContent: s.title }));
  for (const paragraph of s.text.split('\n\n').filter((p) => p !== '')) el.append(Object.assign(document.createElement('p'), { textContent: paragraph }));
  for (const t of s.tables) {
    if (t.caption) el.append(Object.assign(document.createElement('p'), { className: 'caption', textContent: t.caption }));
    el.append(table(t.columns, t.rows.map((r) => r.map(cellText))));
  }
  for (const spec of s.plots ?? []) {
    const box = Object.assign(document.createElement('div'), { className: 'plot' });
    el.append(box);
    plots.push({ box, spec });
  }
  return el;
}

async function showResults(message: Extract<FromWorker, { type: 'done' }>): Promise<void> {
  results.replaceChildren();
  const heading = document.createElement('p');
  heading.id = 'run-backend';
  heading.dataset.kind = message.backend.kind;
  heading.textContent = `backend: ${message.backend.description}; ${message.rows.toLocaleString()} rows; ${message.draws.nChains} chains × ${message.draws.nDraws} draws in ${message.seconds.toFixed(1)} s${message.incomplete ? ' — INCOMPLETE (cancelled)' : ''}`;
  results.append(heading);
  for (const w of message.warnings) results.append(Object.assign(document.createElement('p'), { className: 'warning', textContent: `warning: ${w}` }));
  const shown = populationRows(message.summary);
  results.append(
    table(
      ['variable', 'mean', 'sd', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean'],
      shown.map((r) => [r.variable, fmt(r.mean), fmt(r.sd), fmt(r.q5), fmt(r.q95), fmt(r.rhat), fmt(r.ess_bulk, 0), fmt(r.ess_tail, 0), fmt(r.mcse_mean, 4)]),
      'summary',
    ),
  );
  const plots: Parameters<typeof sectionElement>[1] = [];
  for (const s of message.sections) results.append(sectionElement(s, plots));
  // Vega (a chunk of its own) is fetched on the first plot; the plots render one after another into their boxes
  for (const { box, spec } of plots) box.innerHTML = await renderSvg(spec);
}

function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function setRunning(on: boolean): void {
  running = on;
  fitButton.disabled = on;
  cancelButton.disabled = !on;
  document.body.dataset.state = on ? 'running' : 'idle';
}

function startWorker(): Worker {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  let bars: HTMLProgressElement[] = [];
  w.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'log':
        logBox.textContent += `${m.line}\n`;
        break;
      case 'progress':
        // new rows for a new run (the form cleared the old ones) or another number of chains
        if (bars.length !== m.chains.length || !bars[0].isConnected) bars = chainRows(m.chains.length);
        m.chains.forEach((c, i) => {
          bars[i].value = m.iteration / m.totalIterations;
          (bars[i].nextSibling as HTMLElement).textContent =
            `chain ${i + 1}: ${m.phase} ${m.iteration}/${m.totalIterations}, ${c.gradients.toLocaleString()} gradients, step ${c.stepSize.toPrecision(3)}, ${c.divergences} divergent`;
        });
        break;
      case 'done':
        setRunning(false);
        downloadButton.disabled = false;
        showResults(m).then(
          () => (document.body.dataset.state = 'done'),
          (e: unknown) => {
            showError('run', `internal error: cannot draw the plots (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
            document.body.dataset.state = 'error';
          },
        );
        break;
      case 'files':
        download(m.name, m.zip);
        break;
      case 'error':
        setRunning(false);
        showError(m.field, m.message);
        document.body.dataset.state = 'error';
        break;
    }
  };
  return w;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (running) return;
  document.body.dataset.state = 'starting';
  clearErrors();
  logBox.textContent = '';
  void (async () => {
    let request: ToWorker;
    try {
      const data = await dataSource();
      request = {
        type: 'fit',
        data,
        formula: $<HTMLInputElement>('formula').value,
        family: familySelect.value as Family,
        priors: priorLines(),
        chains: setting('chains', '--chains', SETTING_RANGES.chains),
        warmup: setting('warmup', '--warmup', SETTING_RANGES.warmup),
        draws: setting('draws', '--draws', SETTING_RANGES.draws),
        seed: setting('seed', '--seed', SETTING_RANGES.seed),
        backend: $<HTMLSelectElement>('backend').value as BrowserBackendChoice,
      };
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      showError(err.field, err.message);
      document.body.dataset.state = 'error';
      return;
    }
    worker ??= startWorker();
    setRunning(true);
    progressBox.replaceChildren();
    worker.postMessage(request, request.type === 'fit' && request.data.kind === 'csv' ? [request.data.bytes] : []);
  })();
});

cancelButton.addEventListener('click', () => worker?.postMessage({ type: 'cancel' } satisfies ToWorker));
downloadButton.addEventListener('click', () => worker?.postMessage({ type: 'files' } satisfies ToWorker));
