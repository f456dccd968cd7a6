/**
 * Stan's windowed warm-up schedule (windowed_adaptation.hpp): an initial fast buffer (step size only), a series of
 * slow windows in which positions are collected for the metric (the first of length base_window, each next one twice
 * as long, the last stretched to the terminal buffer when the one after it would not fit), and a terminal fast
 * buffer. Defaults 75 / 25 / 50: for 1000 warm-up iterations the metric is updated after iterations 100, 150, 250,
 * 450 and 950. A warm-up too short for the three stages (< init + window + term) is split 15% / 75% / 10%; with
 * fewer than 20 warm-up iterations the metric is not adapted at all.
 */
export interface WindowSettings {
  readonly initBuffer: number;
  readonly termBuffer: number;
  readonly baseWindow: number;
}

export const STAN_WINDOWS: WindowSettings = { initBuffer: 75, termBuffer: 50, baseWindow: 25 };

export interface AdaptationWindows {
  readonly numWarmup: number;
  /** Buffers actually used (after the rescaling of a short warm-up). */
  readonly initBuffer: number;
  readonly termBuffer: number;
  readonly baseWindow: number;
  /** 0-based warm-up iterations after which the metric is re-estimated, in order. Empty: no metric adaptation. */
  readonly ends: readonly number[];
}

export function adaptationWindows(numWarmup: number, settings: WindowSettings = STAN_WINDOWS): AdaptationWindows {
  if (numWarmup < 20) return { numWarmup, initBuffer: 0, termBuffer: 0, baseWindow: 0, ends: [] };
  let { initBuffer, termBuffer, baseWindow } = settings;
  if (initBuffer + baseWindow + termBuffer > numWarmup) {
    initBuffer = Math.floor(0.15 * numWarmup);
    termBuffer = Math.floor(0.1 * numWarmup);
    baseWindow = numWarmup - (initBuffer + termBuffer);
  }
  const lastEnd = numWarmup - termBuffer - 1;
  let size = baseWindow;
  let next = initBuffer + size === 0 ? numWarmup : initBuffer + size - 1;
  const ends: number[] = [];
  for (let i = 0; i < numWarmup; i++) {
    if (i !== next) continue;
    ends.push(i);
    if (next === lastEnd) break;
    size *= 2;
    next = i + size;
    if (next !== lastEnd && next + 2 * size >= numWarmup - termBuffer) next = lastEnd;
  }
  return { numWarmup, initBuffer, termBuffer, baseWindow, ends };
}

/** Whether warm-up iteration i (0-based) contributes its position to the metric estimate. */
export function inSlowWindow(w: AdaptationWindows, i: number): boolean {
  return w.ends.length > 0 && i >= w.initBuffer && i < w.numWarmup - w.termBuffer;
}
