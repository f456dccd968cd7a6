/**
 * PSIS-LOO of a log-likelihood CSV file: reads it once (src/io/loglik-csv.ts) and feeds PSIS through the streaming
 * block API, one block of observations at a time.
 */
import { logLikBlocks, readLogLikCsv } from '../io/loglik-csv.js';
import { type LooOptions, type LooResult, psisLooStream } from './loo.js';

/** Observations per block when a file is streamed into PSIS. */
export const FILE_BLOCK_SIZE = 256;

export async function looOfLogLikCsv(path: string, options: LooOptions = {}): Promise<LooResult> {
  const csv = await readLogLikCsv(path);
  return psisLooStream(csv.nObs, csv.nDraws, csv.chainOfDraw, logLikBlocks(csv.rows, FILE_BLOCK_SIZE), options);
}

/**
 * A model name from a path: the base name (of a file or a run directory) without .csv, .csv.gz and a trailing
 * .loglik.
 */
export function modelNameOfPath(path: string): string {
  const base = path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;
  return base.replace(/\.gz$/i, '').replace(/\.csv$/i, '').replace(/\.loglik$/i, '') || base;
}
