/**
 * Whole-fit benchmark: wall time, gradient evaluations, minimum bulk-ESS and ESS/s per backend and model, set
 * against Stan's figures from the same run. The harness talks to nutmeg through one small interface, FitRunner;
 * `loadFitRunner` wires it to the real fit API (src/fit.ts) when that module is present.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackendKind } from '../src/backend/backend.js';
import type { StanResult } from './peers/stan.js';

export type WholeFitModel = 'pooled' | 'hierarchical' | 'crossed';

export interface FitSettings {
  readonly dataPath: string;
  /** First `rows` rows of the data (after standardising over all rows), 0 = all. */
  readonly rows: number;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
}

export interface FitFigures {
  readonly wallSeconds: number;
  /** Log density + gradient evaluations per chain, summed over chains, warm-up included (Stan's n_leapfrog sum). */
  readonly gradients: number;
  readonly minEssBulk: number;
}

export type FitRunner = (backend: BackendKind, model: WholeFitModel, settings: FitSettings) => Promise<FitFigures>;

export interface WholeFitResult extends FitFigures {
  readonly backend: BackendKind;
  readonly model: WholeFitModel;
  readonly rows: number;
  readonly essPerSecond: number;
  readonly secondsPerGradient: number;
  /** Ratios to Stan's fit of the same model in the same run (nutmeg / Stan); null when Stan did not run. */
  readonly vsStan: { readonly essPerSecond: number; readonly wallSeconds: number; readonly secondsPerGradient: number } | null;
}

/** The Stan program that is the peer of each nutmeg model (crossed: the centered reference, golden/README.md). */
export const STAN_PEER_OF: Record<WholeFitModel, StanResult['model']> = {
  pooled: 'pooled',
  hierarchical: 'hierarchical',
  crossed: 'crossed_centered',
};

export function stanSecondsPerGradient(stan: StanResult): number {
  // chains run in parallel on `cores` cores; per-chain elapsed times add up to the time one core spent
  return (stan.warmupSeconds + stan.samplingSeconds) / stan.gradients;
}

export function wholeFitResult(
  backend: BackendKind,
  model: WholeFitModel,
  rows: number,
  figures: FitFigures,
  stan: StanResult | undefined,
): WholeFitResult {
  const essPerSecond = figures.minEssBulk / figures.wallSeconds;
  const secondsPerGradient = figures.wallSeconds / figures.gradients;
  return {
    backend,
    model,
    rows,
    ...figures,
    essPerSecond,
    secondsPerGradient,
    vsStan: stan
      ? {
          essPerSecond: essPerSecond / stan.essPerSecond,
          wallSeconds: figures.wallSeconds / stan.wallSeconds,
          secondsPerGradient: secondsPerGradient / stanSecondsPerGradient(stan),
        }
      : null,
  };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The real fit API as a FitRunner, or a one-line reason why not. Looks for src/fit.ts exporting
 * `benchmarkFit(backend, model, settings): Promise<FitFigures>` (the adapter the fit module provides for benches).
 */
export async function loadFitRunner(): Promise<FitRunner | string> {
  const file = path.join(root, 'src/fit.ts');
  if (!existsSync(file)) return 'src/fit.ts not present yet';
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  if (typeof mod.benchmarkFit !== 'function') return 'src/fit.ts exports no benchmarkFit(backend, model, settings)';
  return mod.benchmarkFit as FitRunner;
}

export async function runWholeFits(
  runner: FitRunner,
  backends: readonly BackendKind[],
  models: readonly WholeFitModel[],
  settings: FitSettings,
  stanResults: readonly StanResult[],
  failures: string[],
): Promise<WholeFitResult[]> {
  const results: WholeFitResult[] = [];
  for (const model of models) {
    const stan = stanResults.find((s) => s.model === STAN_PEER_OF[model] && s.rows === (settings.rows || s.rows));
    for (const backend of backends) {
      try {
        const figures = await runner(backend, model, settings);
        results.push(wholeFitResult(backend, model, stan?.rows ?? settings.rows, figures, stan));
      } catch (e) {
        failures.push(`whole fit ${backend} ${model}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }
  return results;
}
