/**
 * Progress of a sampling run: on a terminal, a per-chain table (iteration, warm-up/sampling, divergences, step size,
 * gradients per draw, ETA) redrawn in place a few times a second; otherwise one plain line every tenth of the run and
 * at least one a minute in between (a 10^7-row fit spends many minutes in each tenth); nothing when quiet. The runner
 * calls onProgress after every iteration (src/sampler/progress.ts); reporting never slows sampling down by more than
 * a string per redraw.
 */
import type { SamplerProgress } from '../sampler/progress.js';

/** Where progress goes: process.stderr, or anything with write (and isTTY for the live table). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly stream?: ProgressStream;
  readonly quiet?: boolean;
  /** Force the live table (true) or plain lines (false); default: the stream's isTTY. */
  readonly live?: boolean;
  /** Largest number of chain rows in the live table; the rest are summarised in one row. Default 8. */
  readonly maxRows?: number;
  /** Minimum time between redraws of the live table, in ms. Default 250. */
  readonly redrawMs?: number;
  /** Off a terminal, the longest time between two plain lines within one tenth of the run, in seconds. Default 60. */
  readonly plainEverySeconds?: number;
}

export interface ProgressReporter {
  readonly onProgress: (p: SamplerProgress) => void;
  /** Draws the final state (live table) and ends the line. */
  readonly finish: () => void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Seconds left: the time per transition so far times the transitions left (a chain whose warm-up ended early has
 * only its draws left; one still warming up, the rest of the maximum warm-up and its draws).
 */
function eta(p: SamplerProgress): number {
  let run = 0;
  let left = 0;
  const draws = p.totalIterations - p.warmup;
  for (let c = 0; c < p.nChains; c++) {
    const t = p.transitions[c];
    run += t;
    left += Math.max(0, (p.warmupIterations[c] > 0 ? p.warmupIterations[c] : p.warmup) + draws - t);
  }
  return run > 0 ? (p.elapsedSeconds / run) * left : Infinity;
}

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : '-';
}

/**
 * Gradient evaluations per transition since the previous snapshot, per chain (transitions, not iterations: the
 * warm-up iterations a chain skipped cost no gradients and are not draws). A chain with no new transition keeps its
 * last rate.
 */
class GradientRate {
  private lastGradients: Float64Array | null = null;
  private lastTransitions: Int32Array | null = null;
  readonly rate: Float64Array;
  constructor(nChains: number) {
    this.rate = new Float64Array(nChains);
  }
  update(p: SamplerProgress): void {
    const g0 = this.lastGradients ?? new Float64Array(p.nChains);
    const t0 = this.lastTransitions ?? new Int32Array(p.nChains);
    for (let c = 0; c < p.nChains; c++) {
      const dt = p.transitions[c] - t0[c];
      if (dt > 0) this.rate[c] = (p.gradients[c] - g0[c]) / dt;
    }
    this.lastGradients = Float64Array.from(p.gradients);
    this.lastTransitions = Int32Array.from(p.transitions);
  }
}

function totalTransitions(p: SamplerProgress): number {
  let t = 0;
  for (let c = 0; c < p.nChains; c++) t += p.transitions[c];
  return t;
}

/** The live table's text for p (rows for the first maxRows chains, then one summary row). */
export function progressTable(p: SamplerProgress, gradientsPerDraw: Float64Array, maxRows: number): string {
  const head = `chain  iteration  phase     divergent  step size  grad/draw  depth`;
  const phase = p.phase === 'warmup' ? 'warm-up ' : 'sampling';
  const lines = [head];
  const shown = Math.min(p.nChains, maxRows);
  const row = (label: string, div: number, eps: string, grads: string, depth: string): string =>
    `${label.padStart(5)}  ${`${p.iteration}/${p.totalIterations}`.padStart(9)}  ${phase}  ${String(div).padStart(9)}  ${eps.padStart(9)}  ${grads.padStart(9)}  ${depth.padStart(5)}`;
  for (let c = 0; c < shown; c++) {
    const div = p.phase === 'warmup' ? p.warmupDivergences[c] : p.divergences[c];
    lines.push(row(String(c + 1), div, fmt(p.stepSize[c], 3), fmt(gradientsPerDraw[c], 3), String(p.treeDepth[c])));
  }
  if (p.nChains > shown) {
    let div = 0;
    let grads = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = shown; c < p.nChains; c++) {
      div += p.phase === 'warmup' ? p.warmupDivergences[c] : p.divergences[c];
      grads += gradientsPerDraw[c];
      lo = Math.min(lo, p.stepSize[c]);
      hi = Math.max(hi, p.stepSize[c]);
    }
    const rest = p.nChains - shown;
    lines.push(row(`+${rest}`, div, `${fmt(lo, 2)}-${fmt(hi, 2)}`, fmt(grads / rest, 3), ''));
  }
  lines.push(`${warmupText(p)}elapsed ${formatDuration(p.elapsedSeconds)}, ETA ${formatDuration(eta(p))}`);
  return lines.join('\n');
}

/** "warm-up 340-420 iterations, " once every chain has ended its warm-up (lengths may differ); '' before. */
export function warmupText(p: SamplerProgress): string {
  let lo = Infinity;
  let hi = 0;
  for (let c = 0; c < p.nChains; c++) {
    lo = Math.min(lo, p.warmupIterations[c]);
    hi = Math.max(hi, p.warmupIterations[c]);
  }
  if (!(lo > 0)) return '';
  return `warm-up ${lo === hi ? lo : `${lo}-${hi}`} iterations, `;
}

/** One plain progress line for p. */
export function progressLine(p: SamplerProgress, gradientsPerDraw: Float64Array): string {
  let div = 0;
  let grads = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = 0; c < p.nChains; c++) {
    div += p.phase === 'warmup' ? p.warmupDivergences[c] : p.divergences[c];
    grads += gradientsPerDraw[c];
    lo = Math.min(lo, p.stepSize[c]);
    hi = Math.max(hi, p.stepSize[c]);
  }
  const pct = Math.round((100 * p.iteration) / Math.max(1, p.totalIterations));
  const eps = p.nChains === 1 || lo === hi ? fmt(lo, 3) : `${fmt(lo, 3)}-${fmt(hi, 3)}`;
  return (
    `iteration ${p.iteration}/${p.totalIterations} (${pct}%, ${p.phase === 'warmup' ? 'warm-up' : 'sampling'}), ` +
    `${p.nChains} chain${p.nChains === 1 ? '' : 's'}, ${div} divergent, step size ${eps}, ` +
    `${fmt(grads / p.nChains, 3)} gradients/draw, ${warmupText(p)}elapsed ${formatDuration(p.elapsedSeconds)}, ETA ${formatDuration(eta(p))}`
  );
}

export function progressReporter(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { onProgress: () => undefined, finish: () => undefined };
  const live = options.live ?? stream.isTTY === true;
  const maxRows = options.maxRows ?? 8;
  const redrawMs = options.redrawMs ?? 250;
  const plainEverySeconds = options.plainEverySeconds ?? 60;
  let rate: GradientRate | null = null;
  let lastDraw = -Infinity;
  let drawnLines = 0;
  let lastTenth = -1;
  let lastTransitions = -1;
  let lastLineSeconds = 0;
  let latest: SamplerProgress | null = null;

  const draw = (p: SamplerProgress): void => {
    const r = (rate ??= new GradientRate(p.nChains));
    r.update(p);
    const text = progressTable(p, r.rate, maxRows);
    const up = drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[J` : '';
    stream.write(`${up}${text}\n`);
    drawnLines = text.split('\n').length;
  };

  const onProgress = (p: SamplerProgress): void => {
    if (live) {
      const now = performance.now();
      latest = p;
      if (now - lastDraw < redrawMs && p.iteration < p.totalIterations) return;
      lastDraw = now;
      latest = null;
      draw(p);
      return;
    }
    const tenth = Math.floor((10 * p.iteration) / Math.max(1, p.totalIterations));
    if (tenth === lastTenth && p.elapsedSeconds - lastLineSeconds < plainEverySeconds) return;
    // the warm-up iterations skipped when every chain's adaptation ended early arrive at once, with no transition
    // between them: no line for those; the next transition prints one
    const transitions = totalTransitions(p);
    if (transitions === lastTransitions && p.iteration < p.totalIterations) return;
    lastTransitions = transitions;
    lastTenth = tenth;
    lastLineSeconds = p.elapsedSeconds;
    const r = (rate ??= new GradientRate(p.nChains));
    r.update(p);
    stream.write(`${progressLine(p, r.rate)}\n`);
  };

  const finish = (): void => {
    if (live && latest) draw(latest);
  };
  return { onProgress, finish };
}
