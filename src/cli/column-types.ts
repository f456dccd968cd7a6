/**
 * `--factor COL` and `--numeric COL`, on every command that reads a data file: the user states a column's type
 * instead of leaving it to inference (src/data/text-columns.ts). Each flag repeats and takes comma lists.
 */
import type { Command } from 'commander';
import type { DataOptions } from '../data/load.js';
import type { ColumnType } from '../data/csv.js';
import { UserError } from '../errors.js';
import { collect } from './options.js';

/** Absent when the flag was not given (no default, so that --help shows none). */
export interface ColumnTypeFlags {
  factor?: string[];
  numeric?: string[];
}

/** Adds --factor and --numeric to a command. */
export function columnTypeOptions(command: Command): Command {
  return command
    .option('--factor <columns>', 'read these columns as categorical (comma list, repeatable), e.g. a numeric code such as zip', collect)
    .option('--numeric <columns>', 'read these columns as numbers; any other cell is an error (comma list, repeatable)', collect);
}

function columnsOf(flag: string, values: readonly string[]): string[] {
  const names: string[] = [];
  for (const value of values) {
    for (const piece of value.split(',')) {
      const name = piece.trim();
      if (name === '') throw new UserError(`${flag}: empty column name in "${value}"; give column names separated by commas`);
      names.push(name);
    }
  }
  return names;
}

/** The column types the flags ask for, and which flag asked for each (for messages). */
export function columnTypeRequest(f: ColumnTypeFlags): DataOptions {
  const types: Record<string, ColumnType> = {};
  const typeOrigin: Record<string, string> = {};
  const flags: [string, string[], ColumnType][] = [
    ['--factor', f.factor ?? [], 'categorical'],
    ['--numeric', f.numeric ?? [], 'numeric'],
  ];
  for (const [flag, values, type] of flags) {
    for (const name of columnsOf(flag, values)) {
      const earlier = typeOrigin[name];
      if (earlier !== undefined && earlier !== flag) {
        throw new UserError(`column "${name}" is given to both --factor and --numeric; choose one`);
      }
      types[name] = type;
      typeOrigin[name] = flag;
    }
  }
  return { types, typeOrigin };
}
