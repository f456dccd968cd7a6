/**
 * nutmeg in a browser (`import … from 'nutmeg/browser'`): the same core as the Node package (data from text or bytes,
 * formula and model, NUTS, diagnostics, PSIS-LOO, the WebGPU backend with its WGSL inlined) with the browser's
 * platform adapters in place of the Node ones (scripts/build-browser.mjs lists them). `auto` picks the page's WebGPU
 * when an adapter answers, else the TypeScript reference backend. Run fits in a Web Worker (worker.ts) to keep the
 * page responsive.
 */
export type { Frame, Column } from '../data/frame.js';
export { readCsvText, readCsvBytes, readCsvFile, readDataBytes } from './data.js';
export { simulateHillstrom } from '../data/simulate/hillstrom.js';
export { addHillstromFeatures, HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../data/hillstrom.js';

export { buildModel, type BuildOptions, type BuiltModel } from '../model/build.js';
export { fitModel, type Fit, type FitOptions } from '../fit/fit.js';
export { createBackend, type BackendChoice } from '../backend/select.js';

export type { DrawSet } from '../draws.js';
export { summarizeDraws, type Summary, type SummaryRow } from '../diagnostics/summary.js';
export { samplerWarnings, convergenceWarnings } from '../diagnostics/sampler-checks.js';

export { looOfFit as loo } from '../loo/fit-loo.js';
export { compareModels as compare } from '../loo/compare.js';
export type { LooResult } from '../loo/loo.js';

export { runFiles, type RunFile } from './run-files.js';
export { storedZip } from './stored-zip.js';
export { UserError } from '../errors.js';
