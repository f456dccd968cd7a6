/**
 * Messages between a page and the fit's Web Worker (src/browser/worker.ts). Draws travel as transferred typed arrays
 * (their buffers move, nothing is copied); errors carry the CLI's one-line message and the field that caused it.
 */
import type { SummaryRow } from '../diagnostics/summary.js';
import type { Family } from '../model/spec.js';
import type { ReportSection } from '../report/section.js';

/**
 * Where a fit's data come from: the built-in Hillstrom simulator, or a dropped file's bytes (kind 'csv' for any file:
 * CSV, Parquet or Arrow IPC, told apart by their bytes in src/browser/data.ts).
 */
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
  /** Prior overrides as the CLI's --prior values, e.g. "b=normal(0, 1)". */
  readonly priors: readonly string[];
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
  readonly backend: BrowserBackendChoice;
}

export type ToWorker = FitRequest | { readonly type: 'cancel' } | { readonly type: 'files' };

/** The page fields a message belongs beside. */
export type Field = 'data' | 'formula' | 'family' | 'prior' | 'chains' | 'run';

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
      /**
       * Chains (trace, rank), population-level effects, posterior predictive check, PSIS-LOO and the comparison of
       * the session's fits on the same data (src/browser/fit-sections.ts); for an incomplete run, the chains only.
       */
      readonly sections: readonly ReportSection[];
      readonly seconds: number;
    }
  | { readonly type: 'files'; readonly name: string; readonly zip: Uint8Array }
  | { readonly type: 'error'; readonly field: Field; readonly message: string };
