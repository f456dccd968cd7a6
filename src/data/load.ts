/**
 * The `--data` argument of every command: `sim:<name>` for a built-in simulated set, else a CSV path. A file with the
 * Hillstrom schema gets the reference analysis's features (treatment, recency_z, history_z) added, as the built-in
 * simulated set has them, so the same formulas apply to both.
 */
import { UserError } from '../errors.js';
import type { ColumnType, ReadCsvOptions } from './csv.js';
import { builtinDataset, isBuiltinDatasetName, loadDataArgument, SIMULATED_PREFIX, type LoadedData } from './datasets.js';
import type { Frame } from './frame.js';
import { addHillstromFeatures, HILLSTROM_SCHEMA } from './hillstrom.js';
import { BLOCK_ROWS, fileBlocks, frameBlocks } from './row-blocks.js';

/**
 * Column types stated by the user (--factor, --numeric) for a data file, how a CSV file is written (--sep, --decimal)
 * and where its notes go, and whether to add the Hillstrom features.
 */
export interface DataOptions extends Pick<ReadCsvOptions, 'sep' | 'decimal' | 'log' | 'warn'> {
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** The flag that stated each column's type, for messages. */
  readonly typeOrigin?: Readonly<Record<string, string>>;
  /**
   * false (for rows to score) adds no Hillstrom features: standardizing on the scored rows would make a row's score
   * depend on the others; the fitted run's recipe computes them with the training constants instead. Default true.
   */
  readonly features?: boolean;
}

export function loadData(argument: string, seed: number, simulatedRows?: number, options: DataOptions = {}): LoadedData {
  if (Object.keys(options.types ?? {}).length > 0 && argument.startsWith(SIMULATED_PREFIX)) {
    throw new UserError(`column types (--factor, --numeric) apply to a CSV file, not to the built-in data set "${argument}"`);
  }
  if ((options.sep !== undefined || options.decimal !== undefined) && argument.startsWith(SIMULATED_PREFIX)) {
    throw new UserError(`--sep and --decimal say how a CSV file is written; drop them for the built-in data set "${argument}"`);
  }
  const features = options.features ?? true;
  if (simulatedRows !== undefined) {
    const name = argument.slice(SIMULATED_PREFIX.length);
    if (!argument.startsWith(SIMULATED_PREFIX) || !isBuiltinDatasetName(name)) {
      throw new UserError(`--rows applies to a built-in simulated data set (sim:hillstrom, …), not to "${argument}"`);
    }
    return builtinDataset(name, seed, simulatedRows, features);
  }
  if (!features && argument === `${SIMULATED_PREFIX}hillstrom`) return builtinDataset('hillstrom', seed, undefined, false);
  const loaded = loadDataArgument(argument, seed, options);
  if (loaded.truth !== null || !features) return loaded;
  const hasSchema = Object.keys(HILLSTROM_SCHEMA).every((c) => loaded.frame.columns.has(c));
  const hasFeatures = loaded.frame.columns.has('treatment');
  return hasSchema && !hasFeatures ? { frame: addHillstromFeatures(loaded.frame), truth: null } : loaded;
}

/**
 * The rows of a `--data` argument in blocks of at most `blockRows` (src/data/row-blocks.ts), with loadData's checks;
 * a file is read block by block, a built-in simulated set is made whole and cut. No Hillstrom features are added
 * (they would be computed from all rows): for rows to score, whose features come from the fitted run's recipe.
 */
export function loadDataBlocks(
  argument: string,
  seed: number,
  simulatedRows: number | undefined,
  options: Omit<DataOptions, 'features'>,
  blockRows = BLOCK_ROWS,
): Iterable<Frame> {
  if (simulatedRows !== undefined || argument.startsWith(SIMULATED_PREFIX)) {
    return frameBlocks(loadData(argument, seed, simulatedRows, { ...options, features: false }).frame, blockRows);
  }
  return fileBlocks(argument, options, blockRows);
}
