/**
 * Reading posterior draws from CSV files into DrawSets, in the two layouts nutmeg meets:
 *
 * - CmdStan's output (nutmeg writes the same): one file per chain, `#` comment lines, a header of column names
 *   (`lp__`, `accept_stat__`, …, `b_Intercept`, `r_g__t.3`), then one row per draw. When warm-up draws were saved,
 *   CmdStan writes them first and marks the end of warm-up with a `# Adaptation terminated` comment block; rows
 *   before that comment are warm-up and are dropped.
 * - The long format R posterior's `as_draws_df` and ArviZ export: one file, a `chain` (or `.chain`) column, an
 *   `iteration`/`draw` (or `.iteration`/`.draw`) column, one column per variable.
 *
 * Variable names are kept as written (see variable-names.ts for the `name.3` ↔ `name[3]` mapping). Columns whose
 * names end in `__` are sampler statistics and go into their own DrawSet. Every problem is a UserError naming the
 * file and line. Files ending in `.gz` are gunzipped.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import type { DrawSet } from '../draws.js';
import { makeDrawSet } from '../draws.js';
import { UserError } from '../errors.js';

export { toBracketName, toDottedName } from './variable-names.js';

export type DrawsCsvFormat = 'cmdstan' | 'long';

export interface DrawsCsv {
  readonly format: DrawsCsvFormat;
  /** The parameters and generated quantities. */
  readonly draws: DrawSet;
  /** Columns ending in `__` (lp__, accept_stat__, treedepth__, divergent__, energy__, …); null when there are none. */
  readonly samplerStats: DrawSet | null;
  /** `max_depth` from CmdStan's configuration comments, when given. */
  readonly maxTreedepth?: number;
  /** Set when a file says it holds an interrupted run (nutmeg's `# incomplete = 1` comment). */
  readonly incomplete?: IncompleteDraws;
  /** The model, from nutmeg's `# nutmeg_family`, `nutmeg_link` and `nutmeg_formula` comments (first file), when given. */
  readonly model?: DrawsModel;
}

/** What nutmeg's configuration comments say of the model that made the draws. */
export interface DrawsModel {
  readonly family: string;
  /** Absent in files written before the link was recorded. */
  readonly link?: string;
  readonly formula?: string;
}

/** Draws of an interrupted run: post-warm-up iterations done and asked for (null when the file does not say). */
export interface IncompleteDraws {
  readonly done: number;
  readonly requested: number | null;
}

/** A parsed table of numbers: column names and, per data row, its numbers and file line. */
interface NumericTable {
  readonly header: readonly string[];
  readonly rows: Float64Array[];
  readonly lines: number[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A CSV field as a number: decimal or scientific notation, or nan/NaN/NA, inf/Inf (CmdStan's and R's spellings). */
function parseNumber(field: string, where: () => string): number {
  if (NUMBER.test(field)) return Number(field);
  switch (field.toLowerCase()) {
    case 'nan':
    case 'na':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  throw new UserError(`${where()}: "${field}" is not a number; every value after the header must be numeric`);
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found; check the path`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory; give the CSV files of the chains`);
    throw new UserError(`${path}: cannot read the file (${code ?? String(e)})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = process.getBuiltinModule('node:zlib').gunzipSync(bytes);
    } catch {
      throw new UserError(`${path}: looks gzip-compressed but does not decompress; the file may be truncated`);
    }
  }
  return bytes.toString('utf8');
}

/** Line numbers (1-based) of comment lines that match `pattern`. */
function commentLines(text: string, pattern: RegExp): number[] {
  const out: number[] = [];
  let line = 1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.charCodeAt(start) === 35 /* # */ && pattern.test(text.slice(start, end))) out.push(line);
    start = end + 1;
    line++;
  }
  return out;
}

function parseTable(path: string, text: string): NumericTable {
  // each record becomes its row of numbers as it is parsed (on_record), so the file's cells are never all held as
  // strings at once: for a 10⁴-level run's chain file (1,000 × 20,003 cells) that was ~1 GB of strings per file
  let header: string[] | null = null;
  let headerLine = 0;
  const rows: Float64Array[] = [];
  const lines: number[] = [];
  const toRow = (record: string[], info: { lines: number }): null => {
    if (header === null) {
      header = record;
      headerLine = info.lines;
      const names = record;
      const seen = new Set<string>();
      names.forEach((name, j) => {
        // an unnamed first column is R's row names (write.csv's default); it is skipped
        if (name === '' && j > 0) throw new UserError(`${path}: line ${headerLine}: column ${j + 1} has no name`);
        if (seen.has(name)) throw new UserError(`${path}: line ${headerLine}: column "${name}" appears twice`);
        seen.add(name);
      });
      return null;
    }
    const names = header;
    const row = new Float64Array(record.length);
    for (let j = 0; j < record.length; j++) {
      if (names[j] === '') continue; // row names
      row[j] = parseNumber(record[j], () => `${path}: line ${info.lines}, column ${j + 1} (${names[j]})`);
    }
    rows.push(row);
    lines.push(info.lines);
    return null;
  };
  try {
    parse(text, {
      bom: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      on_record: toRow,
    });
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      const detail = e.message.replace(/ on line \d+$/, '').split('\n')[0];
      throw new UserError(`${path}${line ? `: line ${line}` : ''}: ${detail}; each row needs one value per column`);
    }
    throw e;
  }
  if (header === null) {
    throw new UserError(`${path}: no header line; expected column names (e.g. lp__,b_Intercept or chain,draw,b_x)`);
  }
  return { header, rows, lines };
}

const CHAIN_COLUMNS = ['chain', '.chain'];
const ORDER_COLUMNS = ['iteration', '.iteration', 'draw', '.draw'];

function isLongFormat(header: readonly string[]): boolean {
  return header.some((h) => CHAIN_COLUMNS.includes(h));
}

function isSamplerStat(name: string): boolean {
  return name.endsWith('__');
}

/** Fills parameter and sampler-stat DrawSets from per-chain row lists over the given columns. */
function assemble(
  header: readonly string[],
  columns: readonly number[],
  chains: readonly (readonly Float64Array[])[],
): { draws: DrawSet; samplerStats: DrawSet | null } {
  const nChains = chains.length;
  const nDraws = chains[0].length;
  const params = columns.filter((j) => !isSamplerStat(header[j]));
  const stats = columns.filter((j) => isSamplerStat(header[j]));
  // shared: the threaded summary reads the parameters in place (src/diagnostics/summary-parallel.ts) instead of copying them
  const fill = (cols: readonly number[], shared: boolean): DrawSet => {
    const ds = makeDrawSet(cols.map((j) => header[j]), nChains, nDraws, { shared });
    cols.forEach((j, v) => {
      for (let c = 0; c < nChains; c++) {
        const base = (v * nChains + c) * nDraws;
        const rows = chains[c];
        for (let d = 0; d < nDraws; d++) ds.values[base + d] = rows[d][j];
      }
    });
    return ds;
  };
  return { draws: fill(params, true), samplerStats: stats.length > 0 ? fill(stats, false) : null };
}

interface CmdStanChain {
  readonly header: readonly string[];
  readonly rows: Float64Array[];
  readonly maxTreedepth?: number;
  readonly incomplete?: IncompleteDraws;
  readonly model?: DrawsModel;
}

/** nutmeg's record of the model in the configuration comments (src/io/run-dir.ts writes it). */
function modelMark(text: string): DrawsModel | undefined {
  const value = (key: string): string | undefined => new RegExp(`^#\\s*${key}\\s*=\\s*(.*?)\\s*$`, 'm').exec(text)?.[1];
  const family = value('nutmeg_family');
  if (family === undefined) return undefined;
  const link = value('nutmeg_link');
  const formula = value('nutmeg_formula');
  return { family, ...(link !== undefined ? { link } : {}), ...(formula !== undefined ? { formula } : {}) };
}

/** nutmeg's marks of an interrupted run in the configuration comments (src/io/cmdstan-csv-write.ts). */
function incompleteMark(text: string): IncompleteDraws | undefined {
  if (!/^#\s*incomplete\s*=\s*1\s*$/m.test(text)) return undefined;
  const done = /^#\s*num_samples\s*=\s*(\d+)/m.exec(text);
  const requested = /^#\s*draws_requested\s*=\s*(\d+)/m.exec(text);
  return { done: done ? Number(done[1]) : 0, requested: requested ? Number(requested[1]) : null };
}

/** One CmdStan CSV file: its draws after warm-up. */
function readCmdStanChain(path: string, text: string): CmdStanChain {
  const table = parseTable(path, text);
  // warm-up rows, when saved, come before the "# Adaptation terminated" comment that follows the header
  const adaptation = commentLines(text, /^#\s*Adaptation terminated/i)[0];
  let rows = table.rows;
  if (adaptation !== undefined) {
    const first = table.lines.findIndex((l) => l > adaptation);
    rows = first < 0 ? [] : table.rows.slice(first);
  }
  const incomplete = incompleteMark(text);
  if (rows.length === 0) {
    throw new UserError(
      `${path}: no draws after the header${adaptation !== undefined ? ' (only warm-up before "# Adaptation terminated")' : ''}; ` +
        (incomplete ? 'the run was interrupted before sampling began' : 'the run may have stopped early'),
    );
  }
  const depth = /max_depth\s*=\s*(\d+)/.exec(text);
  return { header: table.header, rows, maxTreedepth: depth ? Number(depth[1]) : undefined, incomplete, model: modelMark(text) };
}

function readCmdStan(paths: readonly string[], texts: readonly string[]): DrawsCsv {
  const chains = paths.map((p, i) => readCmdStanChain(p, texts[i]));
  const first = chains[0];
  chains.forEach((ch, i) => {
    if (ch.header.length !== first.header.length || ch.header.some((h, j) => h !== first.header[j])) {
      const j = ch.header.findIndex((h, k) => h !== first.header[k]);
      const what = j < 0 ? `${ch.header.length} columns, not ${first.header.length}` : `column ${j + 1} is "${ch.header[j]}", not "${first.header[j]}"`;
      throw new UserError(`${paths[i]}: its header differs from ${paths[0]}'s (${what}); give the chains of one fit`);
    }
    if (ch.rows.length !== first.rows.length) {
      throw new UserError(
        `${paths[i]}: has ${ch.rows.length} draws but ${paths[0]} has ${first.rows.length}; ` +
          'every chain needs the same number of draws (were the runs finished?)',
      );
    }
  });
  refuseRepeatedChains(paths, chains);
  const columns = first.header.map((_, j) => j).filter((j) => first.header[j] !== '');
  const { draws, samplerStats } = assemble(first.header, columns, chains.map((c) => c.rows));
  const incomplete = chains.find((c) => c.incomplete !== undefined)?.incomplete;
  return { format: 'cmdstan', draws, samplerStats, maxTreedepth: first.maxTreedepth, incomplete, ...(first.model ? { model: first.model } : {}) };
}

function readLong(path: string, text: string): DrawsCsv {
  const table = parseTable(path, text);
  const { header } = table;
  const chainCol = header.findIndex((h) => CHAIN_COLUMNS.includes(h));
  const orderCol = ORDER_COLUMNS.map((n) => header.indexOf(n)).find((j) => j >= 0) ?? -1;
  if (table.rows.length === 0) throw new UserError(`${path}: has a header but no draws`);
  const byChain = new Map<number, { rows: Float64Array[]; order: number[] }>();
  table.rows.forEach((row, r) => {
    const id = row[chainCol];
    if (!Number.isInteger(id)) {
      throw new UserError(`${path}: line ${table.lines[r]}: chain "${row[chainCol]}" is not a whole number`);
    }
    let entry = byChain.get(id);
    if (!entry) byChain.set(id, (entry = { rows: [], order: [] }));
    entry.rows.push(row);
    entry.order.push(orderCol >= 0 ? row[orderCol] : r);
  });
  const ids = [...byChain.keys()].sort((a, b) => a - b);
  const chains = ids.map((id) => {
    const { rows, order } = byChain.get(id)!;
    const perm = rows.map((_, i) => i).sort((a, b) => order[a] - order[b]);
    return perm.map((i) => rows[i]);
  });
  const n0 = chains[0].length;
  chains.forEach((rows, i) => {
    if (rows.length !== n0) {
      throw new UserError(
        `${path}: chain ${ids[i]} has ${rows.length} draws but chain ${ids[0]} has ${n0}; every chain needs the same number`,
      );
    }
  });
  const columns = header
    .map((_, j) => j)
    .filter((j) => j !== chainCol && header[j] !== '' && !ORDER_COLUMNS.includes(header[j]));
  if (columns.length === 0) throw new UserError(`${path}: no variable columns besides chain and draw`);
  const { draws, samplerStats } = assemble(header, columns, chains);
  return { format: 'long', draws, samplerStats };
}

/**
 * Reads draws from CSV files: one CmdStan-format file per chain, or a single long-format file (recognized by its
 * `chain`/`.chain` column).
 */
/**
 * The same chain given twice would pass every check and make R-hat look perfect and ESS doubled: refuse a path
 * named twice (after resolving links and relative parts).
 */
function refuseRepeatedPaths(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue; // readText reports a missing or unreadable file
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new UserError(`${earlier} and ${path} are the same file; give each chain's CSV once`);
    }
    seen.set(real, path);
  }
}

/** …and two files (copies) holding identical draws: a SHA-256 of each chain's values, confirmed value by value. */
function refuseRepeatedChains(paths: readonly string[], chains: readonly CmdStanChain[]): void {
  const byHash = new Map<string, number>();
  chains.forEach((chain, i) => {
    const hash = process.getBuiltinModule('node:crypto').createHash('sha256');
    for (const row of chain.rows) hash.update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
    const key = hash.digest('hex');
    const j = byHash.get(key);
    if (j !== undefined && chains[j].rows.every((row, d) => row.every((v, k) => Object.is(v, chain.rows[d][k])))) {
      throw new UserError(`${paths[j]} and ${paths[i]} hold identical draws (the same chain twice); give each chain once`);
    }
    byHash.set(key, i);
  });
}

export function readDrawsCsv(paths: readonly string[]): DrawsCsv {
  if (paths.length === 0) throw new UserError('no draws files given; pass the CSV file of each chain');
  refuseRepeatedPaths(paths);
  const texts = paths.map(readText);
  const long = texts.map((t, i) => isLongFormat(firstHeader(paths[i], t)));
  if (long.some((l) => l)) {
    if (paths.length > 1) {
      const which = paths[long.indexOf(true)];
      throw new UserError(
        `${which}: is a long-format file (it has a chain column) and holds every chain; give it alone, not with other files`,
      );
    }
    return readLong(paths[0], texts[0]);
  }
  return readCmdStan(paths, texts);
}

/** The header fields of a file (its first line that is neither empty nor a comment), for format detection. */
function firstHeader(path: string, text: string): string[] {
  for (const raw of text.split('\n', 10_000)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  }
  throw new UserError(`${path}: no header line; expected column names (e.g. lp__,b_Intercept or chain,draw,b_x)`);
}
