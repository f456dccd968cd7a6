/**
 * `--factor COL` and `--numeric COL`, on every command that reads a data file: the user states a column's type
 * instead of leaving it to inference (src/data/text-columns.ts). Each flag repeats and takes comma lists. With them,
 * `--sep` and `--decimal`: how a CSV file is written, when its name and header line do not say it
 * (src/data/csv-dialect.ts).
 */
import type { Command } from 'commander';
import type { DataOptions } from '../data/load.js';
import type { ColumnType } from '../data/csv.js';
import { parseDecimalMark, parseSeparator } from '../data/csv-dialect.js';
import { UserError } from '../errors.js';
import { collect } from './options.js';

/** Absent when the flag was not given (no default, so that --help shows none). */
export interface ColumnTypeFlags {
  factor?: string[];
  numeric?: string[];
  sep?: string;
  decimal?: string;
}

/** Adds --factor, --numeric, --sep and --decimal to a command. */
export function columnTypeOptions(command: Command): Command {
  return csvDialectOptions(
    command
      .option('--factor <columns>', 'read these columns as categorical (comma list, repeatable), e.g. a numeric code such as zip', collect)
      .option('--numeric <columns>', 'read these columns as numbers; any other cell is an error (comma list, repeatable)', collect),
  );
}

/** Adds --sep and --decimal to a command (columnTypeOptions includes them). */
export function csvDialectOptions(command: Command): Command {
  return command
    .option('--sep <char>', "CSV field separator: , ; tab (or \\t) | (default: tab for a .tsv/.tab name, else the header line's: ; or tab when it has no comma, else ,)")
    .option('--decimal <mark>', 'decimal mark of the CSV numbers: . or , (default: , with the ; separator, else .)');
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
  return { types, typeOrigin, ...csvDialectRequest(f) };
}

/** The separator and decimal mark --sep and --decimal give, absent where not given. */
export function csvDialectRequest(f: Pick<ColumnTypeFlags, 'sep' | 'decimal'>): Pick<DataOptions, 'sep' | 'decimal'> {
  return {
    ...(f.sep !== undefined ? { sep: parseSeparator('--sep', f.sep) } : {}),
    ...(f.decimal !== undefined ? { decimal: parseDecimalMark('--decimal', f.decimal) } : {}),
  };
}

/**
 * Where a data file's notes go on stderr: the line stating a separator or decimal mark other than comma and point
 * (not under --quiet) and each warning (always), as "warning: …".
 */
export function dataNotes(quiet: boolean | undefined): Pick<DataOptions, 'log' | 'warn'> {
  const write = (line: string): void => void process.stderr.write(`${line}\n`);
  return { log: quiet ? undefined : write, warn: (message) => write(`warning: ${message}`) };
}
