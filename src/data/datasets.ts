/**
 * The built-in data sets, by name, so that commands can take `--data sim:hillstrom` (simulated, seeded) as well as a
 * data file path (CSV, Parquet or Arrow IPC; data-file.ts). The simulated Hillstrom set comes with the reference analysis's features (treatment, recency_z,
 * history_z) added, like loadHillstrom's frames, so that HILLSTROM_FORMULAS apply to either.
 */
import { UserError } from '../errors.js';
import type { ReadCsvOptions } from './csv.js';
import { readDataFile } from './data-file.js';
import type { Frame } from './frame.js';
import { addHillstromFeatures } from './hillstrom.js';
import { simulateClv } from './simulate/clv.js';
import { simulateCrossed } from './simulate/crossed.js';
import { simulateHillstrom } from './simulate/hillstrom.js';
import { simulateIts } from './simulate/its.js';
import { simulateLevels } from './simulate/levels.js';
import { simulateMmm } from './simulate/mmm.js';
import { simulatePersonalization } from './simulate/personalization.js';
import { simulateSeparation } from './simulate/separation.js';
import type { Simulated } from './simulate/types.js';

export const BUILTIN_DATASETS = ['hillstrom', 'separation', 'personalization', 'crossed', 'levels', 'its', 'clv', 'mmm'] as const;
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

/** Prefix of a data argument that names a built-in simulated data set. */
export const SIMULATED_PREFIX = 'sim:';

export function isBuiltinDatasetName(name: string): name is BuiltinDatasetName {
  return (BUILTIN_DATASETS as readonly string[]).includes(name);
}

/**
 * A built-in simulated data set and its true parameters (`n` rows, or the simulator's default size). `features: false`
 * leaves out the Hillstrom features (rows to score, whose features come from the fitted run's recipe).
 */
export function builtinDataset(name: BuiltinDatasetName, seed: number, n?: number, features = true): Simulated {
  switch (name) {
    case 'hillstrom': {
      const sim = simulateHillstrom({ seed, n });
      return { frame: features ? addHillstromFeatures(sim.frame) : sim.frame, truth: sim.truth };
    }
    case 'separation':
      return simulateSeparation({ seed, n });
    case 'personalization':
      return simulatePersonalization({ seed, n });
    case 'crossed':
      return simulateCrossed({ seed, n });
    case 'levels':
      return simulateLevels({ seed, n });
    case 'its':
      return simulateIts({ seed, n });
    case 'clv':
      return simulateClv({ seed, n });
    case 'mmm':
      return simulateMmm({ seed, n });
  }
}

export interface LoadedData {
  readonly frame: Frame;
  /** True parameters for a simulated data set; null for a file. */
  readonly truth: Record<string, number> | null;
}

/**
 * A data argument: `sim:<name>` for a built-in simulated set (seeded by `seed`), anything else a data file (CSV, Parquet,
 * Arrow IPC; read with `csv`'s column types, if any).
 */
export function loadDataArgument(argument: string, seed: number, csv: ReadCsvOptions = {}): LoadedData {
  if (!argument.startsWith(SIMULATED_PREFIX)) return { frame: readDataFile(argument, csv), truth: null };
  const name = argument.slice(SIMULATED_PREFIX.length);
  if (!isBuiltinDatasetName(name)) {
    const known = BUILTIN_DATASETS.map((d) => SIMULATED_PREFIX + d).join(', ');
    throw new UserError(`data "${argument}": no built-in data set "${name}"; choose one of ${known}, or give a CSV path`);
  }
  return builtinDataset(name, seed);
}
