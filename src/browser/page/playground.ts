/**
 * The playground page (index.html beside it): data (the built-in Hillstrom simulator or a dropped CSV), formula,
 * family and sampler settings; the fit runs in worker.js (src/browser/worker.ts) with per-chain progress and a
 * cancel button; then the backend that ran, the summary table, a forest plot (Vega-Lite, rendered to SVG here) and
 * PSIS-LOO; the run downloads as a zip of the run directory the CLI writes. Errors are the CLI's one-line messages,
 * shown beside the field that caused them. Only same-origin files are loaded (the worker and this script).
 */
import { FAMILIES } from '../../model/spec.js';
import type { SummaryRow } from '../../diagnostics/summary.js';
import { forestSpec } from '../../report/plots/intervals.js';
import { renderSvg } from '../../report/plots/render.js';
import type { Family } from '../../model/spec.js';
import type { BrowserBackendChoice, DataSource, Field, FromWorker, LooSummary, ToWorker } from '../protocol.js';

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

/** A whole number in [min, max] from an input (named by its CLI flag in the message). */
function wholeNumber(id: string, flag: string, field: Field, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = $<HTMLInputElement>(id).value.trim();
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new FieldError(field, `${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}; got "${text}"`);
  }
  return n;
}

async function dataSource(): Promise<DataSource> {
  const source = document.querySelector<HTMLInputElement>('input[name=source]:checked')!.value;
  if (source === 'simulated') {
    return { kind: 'simulated', name: 'hillstrom', seed: wholeNumber('dataSeed', '--seed', 'data', 0), rows: wholeNumber('rows', '--rows', 'data', 1) };
  }
  if (dropped === null) throw new FieldError('data', '--data: no CSV file yet; drop one on the box or choose one');
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

function table(columns: readonly string[], rows: readonly (readonly string[])[], id: string): HTMLTableElement {
  const t = document.createElement('table');
  t.id = id;
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
  if (message.loo) results.append(looTable(message.loo));
  const forestRows = shown
    .filter((r) => r.variable.startsWith('b_') && r.variable !== 'b_Intercept' && r.mean !== null && r.q5 !== null && r.q95 !== null)
    .map((r) => ({ label: r.variable, mean: r.mean!, low: r.q5!, high: r.q95! }));
  if (forestRows.length > 0) {
    const plot = document.createElement('div');
    plot.id = 'forest';
    plot.innerHTML = await renderSvg(forestSpec(forestRows, 'Population-level effects', '5%–95%', 'coefficient (link scale)'));
    results.append(plot);
  }
}

function looTable(loo: LooSummary): HTMLTableElement {
  const [good, ok, bad, veryBad] = loo.paretoK;
  return table(
    ['PSIS-LOO', 'estimate', 'se'],
    [
      ['elpd_loo', fmt(loo.elpdLoo, 1), fmt(loo.elpdLooSe, 1)],
      ['p_loo', fmt(loo.pLoo, 1), fmt(loo.pLooSe, 1)],
      ['looic', fmt(loo.looic, 1), fmt(loo.looicSe, 1)],
      ['Pareto k ≤ 0.5 / ≤ 0.7 / ≤ 1 / > 1', `${good} / ${ok} / ${bad} / ${veryBad}`, ''],
    ],
    'loo',
  );
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
        void showResults(m).then(() => (document.body.dataset.state = 'done'));
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
        chains: wholeNumber('chains', '--chains', 'chains', 1, 64),
        warmup: wholeNumber('warmup', '--warmup', 'chains', 0),
        draws: wholeNumber('draws', '--draws', 'chains', 1),
        seed: wholeNumber('seed', '--seed', 'chains', 0),
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
