/**
 * Messages between a page and the fit's Web Worker (src/browser/worker.ts). Draws travel as transferred typed arrays
 * (their buffers move, nothing is copied); errors carry the CLI's one-line message and the field that caused it.
 */
import type { SummaryRow } from '../diagnostics/summary.js';
import type { Family } from '../model/spec.js';

/** Where a fit's data come from: the built-in Hillstrom simulator, or a CSV file's bytes. */
export type DataSource =
  | { readonly kind: 'simulated'; readonly name: 'hillstrom'; readonly seed: number; readonly rows: number }
  | { readonly kind: 'csv'; readonly name: string; readonly bytes: ArrayBuffer };

/** The backends a page can ask for (select.browser.ts): no native addon in a browser. */
export type BrowserBackendChoice = 'auto' | 'webgpu' | 'wasm' | 'reference';

export interface FitRequest {
  readonly type: 'fit';
  readonly data: DataSource;
  readonly formula: string;
  readonly family: Family;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
  readonly backend: BrowserBackendChoice;
}

export type ToWorker = FitRequest | { readonly type: 'cancel' } | { readonly type: 'files' };

/** The page fields a message belongs beside. */
export type Field = 'data' | 'formula' | 'family' | 'chains' | 'run';

/** A DrawSet whose values moved across (variable-major, as src/draws.ts). */
export interface WireDraws {
  readonly names: readonly string[];
  readonly nChains: number;
  readonly nDraws: number;
  readonly values: Float64Array;
}

export interface ChainProgress {
  readonly gradients: number;
  readonly divergences: number;
  readonly stepSize: number;
}

export interface LooSummary {
  readonly elpdLoo: number;
  readonly elpdLooSe: number;
  readonly pLoo: number;
  readonly pLooSe: number;
  readonly looic: number;
  readonly looicSe: number;
  /** Pareto k counts: ≤ 0.5, ≤ 0.7, ≤ 1, > 1. */
  readonly paretoK: readonly [number, number, number, number];
  readonly warnings: readonly string[];
}

export type FromWorker =
  | { readonly type: 'log'; readonly line: string }
  | {
      readonly type: 'progress';
      readonly phase: 'warmup' | 'sampling';
      readonly iteration: number;
      readonly totalIterations: number;
      readonly chains: readonly ChainProgress[];
    }
  | {
      readonly type: 'done';
      readonly backend: { readonly kind: string; readonly description: string };
      readonly incomplete: boolean;
      readonly rows: number;
      readonly draws: WireDraws;
      readonly stats: WireDraws;
      readonly summary: readonly SummaryRow[];
      readonly warnings: readonly string[];
      /** Null for an incomplete run (no draws to judge) or when LOO failed (the reason is in warnings). */
      readonly loo: LooSummary | null;
      readonly seconds: number;
    }
  | { readonly type: 'files'; readonly name: string; readonly zip: Uint8Array }
  | { readonly type: 'error'; readonly field: Field; readonly message: string };
