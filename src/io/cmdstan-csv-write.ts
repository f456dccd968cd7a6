/**
 * Writes a sampling run's chains as CmdStan output CSVs (the layout and its readers: cmdstan-csv-text.ts), through
 * writeFully so that a short write or a full disk is an error, not a cut file.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { emitCmdStanCsv, type CmdStanCsvContent } from './cmdstan-csv-text.js';
import { writeFully, type WriteFn } from './out-target.js';

export interface CmdStanCsvOptions extends CmdStanCsvContent {
  /** The low-level write (default fs.writeSync); injectable so tests can make the disk fail or write short. */
  readonly write?: WriteFn;
}

/** Writes the CSV of one chain to `path`. */
export function writeCmdStanCsv(path: string, o: CmdStanCsvOptions): void {
  const fd = openSync(path, 'w');
  try {
    emitCmdStanCsv(o, (text) => writeFully(fd, text, o.write));
  } finally {
    closeSync(fd);
  }
}

/** Writes `dir/chain-1.csv` … `dir/chain-C.csv` (creating dir); returns their paths. */
export function writeCmdStanCsvFiles(dir: string, o: Omit<CmdStanCsvOptions, 'chain'>): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let c = 0; c < o.result.nChains; c++) {
    const path = join(dir, `chain-${c + 1}.csv`);
    writeCmdStanCsv(path, { ...o, chain: c });
    paths.push(path);
  }
  return paths;
}
