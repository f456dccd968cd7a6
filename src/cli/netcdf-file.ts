/**
 * `nutmeg fit --netcdf FILE [--save-loglik]`: the fit still in memory written as ArviZ InferenceData
 * (src/io/inference-data.ts). Loaded only when --netcdf is given, so that h5wasm is not loaded by other runs.
 */
import { UserError } from '../errors.js';
import type { Fit } from '../fit/fit.js';
import { writeFitInferenceData, type FitInferenceDataOptions } from '../io/inference-data.js';
import { systemReason } from '../io/out-target.js';

/** Writes the file; returns the names of the groups written. A failure is a UserError naming the file and why. */
export async function writeFitNetcdf(path: string, fit: Fit, options: FitInferenceDataOptions): Promise<string[]> {
  try {
    return await writeFitInferenceData(path, fit, options);
  } catch (e) {
    throw new UserError(`--netcdf ${path}: writing the NetCDF file failed (${systemReason(e)}); nothing was written there`);
  }
}
