/**
 * The `--data` argument of every command: `sim:<name>` for a built-in simulated set, else a CSV path. A file with the
 * Hillstrom schema gets the reference analysis's features (treatment, recency_z, history_z) added, as the built-in
 * simulated set has them, so the same formulas apply to both.
 */
import { UserError } from '../errors.js';
import { builtinDataset, isBuiltinDatasetName, loadDataArgument, SIMULATED_PREFIX, type LoadedData } from './datasets.js';
import { addHillstromFeatures, HILLSTROM_SCHEMA } from './hillstrom.js';

/**
 * `features: false` (for rows to score) adds no Hillstrom features: standardizing on the scored rows would make a row's
 * score depend on the others; the fitted run's recipe computes them with the training constants instead.
 */
export function loadData(argument: string, seed: number, simulatedRows?: number, options: { readonly features?: boolean } = {}): LoadedData {
  const features = options.features ?? true;
  if (simulatedRows !== undefined) {
    const name = argument.slice(SIMULATED_PREFIX.length);
    if (!argument.startsWith(SIMULATED_PREFIX) || !isBuiltinDatasetName(name)) {
      throw new UserError(`--rows applies to a built-in simulated data set (sim:hillstrom, …), not to "${argument}"`);
    }
    return builtinDataset(name, seed, simulatedRows, features);
  }
  if (!features && argument === `${SIMULATED_PREFIX}hillstrom`) return builtinDataset('hillstrom', seed, undefined, false);
  const loaded = loadDataArgument(argument, seed);
  if (loaded.truth !== null || !features) return loaded;
  const hasSchema = Object.keys(HILLSTROM_SCHEMA).every((c) => loaded.frame.columns.has(c));
  const hasFeatures = loaded.frame.columns.has('treatment');
  return hasSchema && !hasFeatures ? { frame: addHillstromFeatures(loaded.frame), truth: null } : loaded;
}
