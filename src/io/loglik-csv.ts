/**
 * Reader for pointwise log-likelihood CSV files as R writes them from `log_lik()`: a header with a `chain` column and
 * one column per observation, then one row per posterior draw. Plain or gzip-compressed (detected from the file's
 * first bytes). The file is streamed line by line and each draw is kept once, as one Float64Array row; PSIS-LOO reads
 * it through `logLikBlocks`, which copies one block of observations at a time.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';
import type { LogLikBlock } from '../loo/loo.js';

export interface LogLikCsv {
  readonly path: string;
  /** Observation column names, in file order. */
  readonly observationNames: readonly string[];
  readonly nDraws: number;
  readonly nObs: number;
  /** Chain label of each draw (the `chain` column). */
  readonly chainOfDraw: Uint32Array;
  /** rows[s][i] = log-likelihood of observation i under draw s. */
  readonly rows: readonly Float64Array[];
}

/** Splits one CSV line into fields; double quotes may enclose a field, "" inside quotes is a literal quote. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const got = readSync(fd, head, 0, 2, 0);
    return got === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function openLines(path: string): AsyncIterable<string> {
  let gzip: boolean;
  try {
    gzip = isGzip(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}; check the path`);
  }
  let input: Readable = createReadStream(path);
  if (gzip) {
    const gunzip = createGunzip();
    input.on('error', (e) => gunzip.destroy(e));
    input = input.pipe(gunzip);
  }
  return createInterface({ input, crlfDelay: Infinity });
}

/** Reads a log-likelihood CSV (see the module comment). Every mistake is a UserError naming the file and line. */
export async function readLogLikCsv(path: string): Promise<LogLikCsv> {
  let lineNo = 0;
  let chainColumn = -1;
  let names: string[] = [];
  let obsColumns: Uint32Array = new Uint32Array(0);
  const rows: Float64Array[] = [];
  const chains: number[] = [];
  try {
    for await (const raw of openLines(path)) {
      lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (lineNo === 1) {
        const header = splitCsvLine(line).map((h) => h.trim());
        chainColumn = header.indexOf('chain');
        if (chainColumn < 0) {
          throw new UserError(
            `${path} line 1: no "chain" column in the header; the file needs a chain column and one column per ` +
              'observation (as R writes from log_lik() with the chain ids added)',
          );
        }
        names = header.filter((_, c) => c !== chainColumn);
        if (names.length === 0) throw new UserError(`${path} line 1: no observation columns besides "chain"`);
        obsColumns = Uint32Array.from(header.keys()).filter((c) => c !== chainColumn);
        continue;
      }
      if (line.trim() === '') continue;
      const fields = splitCsvLine(line);
      if (fields.length !== names.length + 1) {
        throw new UserError(
          `${path} line ${lineNo}: ${fields.length} fields but the header has ${names.length + 1}; ` +
            'every draw needs a chain id and one value per observation',
        );
      }
      const chain = Number(fields[chainColumn]);
      if (fields[chainColumn].trim() === '' || !Number.isInteger(chain) || chain < 0 || chain > 0xffffffff) {
        throw new UserError(
          `${path} line ${lineNo}, column ${chainColumn + 1} ("chain"): '${fields[chainColumn]}' is not a chain ` +
            'number; use non-negative integers',
        );
      }
      const row = new Float64Array(names.length);
      for (let j = 0; j < names.length; j++) {
        const text = fields[obsColumns[j]];
        const v = Number(text);
        if (!Number.isFinite(v) || text.trim() === '') {
          throw new UserError(
            `${path} line ${lineNo}, column ${obsColumns[j] + 1} ("${names[j]}"): '${text}' is not a finite ` +
              'number; PSIS-LOO needs a finite log-likelihood for every draw and observation',
          );
        }
        row[j] = v;
      }
      rows.push(row);
      chains.push(chain);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = e as NodeJS.ErrnoException;
    const hint = err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' ? 'the gzip data is corrupt' : err.message;
    throw new UserError(`cannot read ${path}${lineNo > 0 ? ` after line ${lineNo}` : ''}: ${hint}`);
  }
  if (lineNo === 0) throw new UserError(`${path} is empty; expected a header line and one line per draw`);
  if (rows.length < 2) throw new UserError(`${path}: ${rows.length} draw(s); PSIS-LOO needs at least two draws`);
  return {
    path,
    observationNames: names,
    nDraws: rows.length,
    nObs: names.length,
    chainOfDraw: Uint32Array.from(chains),
    rows,
  };
}

/** Observation blocks of `blockSize` columns from per-draw rows; one block buffer is reused. */
export function* logLikBlocks(rows: readonly Float64Array[], blockSize: number): Generator<LogLikBlock> {
  const nDraws = rows.length;
  const nObs = rows[0]?.length ?? 0;
  const buffer = new Float64Array(nDraws * Math.min(blockSize, nObs));
  for (let start = 0; start < nObs; start += blockSize) {
    const count = Math.min(blockSize, nObs - start);
    const values = buffer.subarray(0, nDraws * count);
    for (let s = 0; s < nDraws; s++) values.set(rows[s].subarray(start, start + count), s * count);
    yield { start, count, values };
  }
}
