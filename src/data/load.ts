/**
 * The `--data` argument of every command: `sim:<name>` for a built-in simulated set, else a CSV path. A file with the
 * Hillstrom schema gets the reference analysis's features (treatment, recency_z, history_z) added, as the built-in
 * simulated set has them, so the same formulas apply to both.
 */
import { UserError } from '../errors.js';
import type { ColumnType, ReadCsvOptions } from './csv.js';
import { builtinDataset, isBuiltinDatasetName, loadDataArgument, SIMULATED_PREFIX, type LoadedData } from './datasets.js';
import type { Frame } from './frame.js';
import { addHillstromFeatures, HILLSTROM_FEATURES, HILLSTROM_FEATURE_SOURCES, HILLSTROM_SCHEMA } from './hillstrom.js';
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
  /**
   * The columns the command needs (a formula's: model/formula/columns.ts), when it knows them: a Parquet or Arrow IPC
   * file then reads only those (columnsToRead). Absent: every column.
   */
  readonly columns?: readonly string[];
  /** Columns also read when the file has them, whose absence the command handles (a scored file's outcome). */
  readonly optionalColumns?: readonly string[];
}

/**
 * Which columns of a columnar file with columns `names` to read for a command needing `needed`: those, the columns
 * whose type a flag states (their checks apply as before), and — when the Hillstrom features apply and the command
 * needs one of them — the columns they are computed from (segment, recency, history) in place of the features. null
 * (every column) when the file lacks a needed column, so that the error naming it lists the file's columns as before.
 */
export function columnsToRead(names: readonly string[], needed: readonly string[], options: DataOptions): string[] | null {
  const wanted = new Set([...needed, ...Object.keys(options.types ?? {}), ...Object.keys(options.typeOrigin ?? {})]);
  if ((options.features ?? true) && hillstromFeaturesApply(names) && HILLSTROM_FEATURES.some((f) => wanted.has(f))) {
    for (const f of HILLSTROM_FEATURES) wanted.delete(f);
    for (const c of HILLSTROM_FEATURE_SOURCES) wanted.add(c);
  }
  const present = new Set(names);
  for (const c of wanted) if (!present.has(c)) return null;
  for (const c of options.optionalColumns ?? []) wanted.add(c);
  return names.filter((c) => wanted.has(c));
}

/**
 * The reader's `select` (csv-text.ts ReadCsvOptions) for options.columns (undefined without them: every column);
 * `seen` is told the file's columns.
 */
function columnChoice(options: DataOptions, seen: (names: readonly string[]) => void = () => {}): ReadCsvOptions['select'] {
  const { columns } = options;
  if (columns === undefined) return undefined;
  return (names) => {
    seen(names);
    return columnsToRead(names, columns, options);
  };
}

/** What the readers take of `options`: not `columns` (a reader's own option reads those columns whatever the file has). */
function readOptions(options: DataOptions): ReadCsvOptions {
  const { columns, optionalColumns, features, ...read } = options;
  return read;
}

/** Whether a file with columns `names` gets the Hillstrom features: it has the Hillstrom schema and no features yet. */
function hillstromFeaturesApply(names: readonly string[]): boolean {
  return Object.keys(HILLSTROM_SCHEMA).every((c) => names.includes(c)) && !names.includes('treatment');
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
  // the file's columns, when a columnar file read only some of them
  let names: readonly string[] | null = null;
  const select = columnChoice(options, (fileNames) => (names = fileNames));
  const loaded = loadDataArgument(argument, seed, { ...readOptions(options), select });
  if (loaded.truth !== null || !features) return loaded;
  const frame = loaded.frame;
  const apply = hillstromFeaturesApply(names ?? [...frame.columns.keys()]);
  // (a read of the formula's columns that needs no feature has no segment column to build them from)
  return apply && HILLSTROM_FEATURE_SOURCES.every((c) => frame.columns.has(c)) ? { frame: addHillstromFeatures(frame), truth: null } : loaded;
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
  return fileBlocks(argument, { ...readOptions(options), select: columnChoice({ ...options, features: false }) }, blockRows);
}
