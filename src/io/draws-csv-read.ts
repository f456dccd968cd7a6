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
 *
 * Memory (issue 16): the chains' files are read one after the other and each row goes straight into its place in the
 * DrawSets; a plain file (what nutmeg and CmdStan write) is scanned a few megabytes at a time (draws-csv-scan.ts),
 * so no file's text is held whole; only the first chain is held as rows, until its length sizes the DrawSets.
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import type { DrawSet } from '../draws.js';
import { chainDraws, makeDrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { scanChainCsv, type ChainSink } from './draws-csv-scan.js';

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

/** The UserError for a file that cannot be opened or read. */
function readFailure(path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${path}: file not found; check the path`);
  if (code === 'EISDIR') return new UserError(`${path}: is a directory; give the CSV files of the chains`);
  return new UserError(`${path}: cannot read the file (${code ?? String(e)})`);
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readFailure(path, e);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = process.getBuiltinModule('node:zlib').gunzipSync(bytes);
    } catch {
      throw new UserError(`${path}: looks gzip-compressed but does not decompress; the file may be truncated`);
    }
  }
  refuseNotDraws(path, bytes);
  return bytes.toString('utf8');
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A file that is not CSV draws, named for what it is, in one line: a run's NetCDF file or fit.json given in place of
 * its chain files (whose bytes went into csv-parse's message before), or any other binary file.
 */
function refuseNotDraws(path: string, bytes: Uint8Array): void {
  const draws = 'give the run directory (nutmeg summary DIR) or its chain CSV files';
  if (HDF5_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new UserError(`${path}: is a NetCDF-4 (HDF5) file, which ArviZ reads (arviz.from_netcdf); for nutmeg, ${draws}`);
  }
  let first = 0;
  while (first < bytes.length && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0a || bytes[first] === 0x0d)) first++;
  if (bytes[first] === 0x7b /* { */) throw new UserError(`${path}: is JSON (a run's fit.json?), not CSV draws; ${draws}`);
  const nul = bytes.subarray(0, 1 << 16).indexOf(0);
  if (nul >= 0) throw new UserError(`${path}: is a binary file, not CSV draws (a NUL byte at offset ${nul}); ${draws}`);
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
  const store = new ChainStore(header, columns, chains.length, chains[0].length);
  chains.forEach((rows, c) => rows.forEach((row, d) => store.put(row, c, d)));
  return { draws: store.draws, samplerStats: store.samplerStats };
}

/**
 * Where the chains' rows go (readCmdStanInto), made once the first chain's length is known: the DrawSets here
 * (ChainStore), or what a caller makes of each row at once (src/io/run-dir.ts: the sampler's coordinates for LOO).
 */
export interface ChainTarget {
  /** The file's row `row` as draw d of chain c. */
  put(row: Float64Array, c: number, d: number): void;
  /** Whether chains a and b (both put whole) hold the same draws: the check behind a matching hash of their rows. */
  sameChains(a: number, b: number): boolean;
}

/** A file column that goes nowhere (R's row names). */
const SKIP = -(2 ** 31);

/**
 * The DrawSets of the parameters (in a SharedArrayBuffer: the threaded summary, src/diagnostics/summary-parallel.ts,
 * reads them in place instead of copying them) and of the sampler statistics, filled row by row.
 */
class ChainStore implements ChainTarget {
  readonly draws: DrawSet;
  readonly samplerStats: DrawSet | null;
  /** Per file column: its variable in draws (≥ 0), or −1 − its variable in samplerStats, or SKIP. */
  private readonly target: Int32Array;
  constructor(header: readonly string[], columns: readonly number[], nChains: number, nDraws: number) {
    const params = columns.filter((j) => !isSamplerStat(header[j]));
    const stats = columns.filter((j) => isSamplerStat(header[j]));
    this.draws = makeDrawSet(params.map((j) => header[j]), nChains, nDraws, { shared: true });
    this.samplerStats = stats.length > 0 ? makeDrawSet(stats.map((j) => header[j]), nChains, nDraws) : null;
    this.target = new Int32Array(header.length).fill(SKIP);
    params.forEach((j, v) => (this.target[j] = v));
    stats.forEach((j, v) => (this.target[j] = -1 - v));
  }
  /** Row `row` of the file as draw d of chain c. */
  put(row: Float64Array, c: number, d: number): void {
    const { nChains, nDraws } = this.draws;
    const params = this.draws.values;
    const stats = this.samplerStats?.values;
    const target = this.target;
    for (let j = 0; j < row.length; j++) {
      const v = target[j];
      if (v === SKIP) continue;
      if (v >= 0) params[(v * nChains + c) * nDraws + d] = row[j];
      else (stats as Float64Array)[((-1 - v) * nChains + c) * nDraws + d] = row[j];
    }
  }
  /** Whether chains a and b hold the same values in every column (Object.is: NaN equals NaN). */
  sameChains(a: number, b: number): boolean {
    for (const ds of this.samplerStats ? [this.draws, this.samplerStats] : [this.draws]) {
      for (let v = 0; v < ds.names.length; v++) {
        const x = chainDraws(ds, v, a);
        const y = chainDraws(ds, v, b);
        for (let d = 0; d < x.length; d++) if (!Object.is(x[d], y[d])) return false;
      }
    }
    return true;
  }
}

/** A SHA-256 hash (node:crypto loaded when a run is read, not at start-up). */
function sha256(): import('node:crypto').Hash {
  return process.getBuiltinModule('node:crypto').createHash('sha256');
}

/** What the comments of a chain's file say, beyond its rows. */
interface ChainMarks {
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

function chainMarks(text: string): ChainMarks {
  const depth = /max_depth\s*=\s*(\d+)/.exec(text);
  return { maxTreedepth: depth ? Number(depth[1]) : undefined, incomplete: incompleteMark(text), model: modelMark(text) };
}

/**
 * One CmdStan CSV file's draws after warm-up, row by row into the sink that `begin(header)` gives: scanned in chunks
 * (draws-csv-scan.ts) when the file is plain, else parsed whole by the full parser (gzip, quotes, R's row names, and
 * the exact message of any mistake). Returns its header, its marks, and whether it had a `# Adaptation terminated`.
 */
function readChain(path: string, begin: (header: readonly string[]) => ChainSink): { header: readonly string[]; marks: ChainMarks; adaptation: boolean } {
  const scanned = scanChainCsv(path, begin);
  if (scanned !== null) return { header: scanned.header, marks: chainMarks(scanned.comments), adaptation: scanned.adaptation };
  const text = readText(path);
  const table = parseTable(path, text);
  // warm-up rows, when saved, come before the "# Adaptation terminated" comment that follows the header
  const adaptation = commentLines(text, /^#\s*Adaptation terminated/i)[0];
  const sink = begin(table.header);
  sink.restart();
  table.rows.forEach((row, r) => {
    if (adaptation === undefined || table.lines[r] > adaptation) sink.add(row);
  });
  return { header: table.header, marks: chainMarks(text), adaptation: adaptation !== undefined };
}

/**
 * The chains' files one after the other, each row straight into its place in the DrawSets (issue 16): only the first
 * chain's rows are held as rows, until its length sizes the DrawSets; no file's text is held whole.
 */
function readCmdStan<T extends ChainTarget>(
  paths: readonly string[],
  make: (header: readonly string[], nChains: number, nDraws: number) => T,
): { target: T; header: readonly string[]; marks: ChainMarks; incomplete?: IncompleteDraws } {
  const nChains = paths.length;
  let first: { header: readonly string[]; marks: ChainMarks } | null = null;
  let store: T | null = null;
  let incomplete: IncompleteDraws | undefined;
  // the same chain given twice (a copy) would make R-hat look perfect and ESS doubled: a SHA-256 of each chain's
  // rows, confirmed value by value
  const byHash = new Map<string, number>();
  let nDraws = 0;
  for (let c = 0; c < nChains; c++) {
    const path = paths[c];
    let hash = sha256();
    let rows: Float64Array[] = [];
    let count = 0;
    const begin = (header: readonly string[]): ChainSink => {
      if (first !== null) {
        const head = first.header;
        if (header.length !== head.length || header.some((h, j) => h !== head[j])) {
          const j = header.findIndex((h, k) => h !== head[k]);
          const what = j < 0 ? `${header.length} columns, not ${head.length}` : `column ${j + 1} is "${header[j]}", not "${head[j]}"`;
          throw new UserError(`${path}: its header differs from ${paths[0]}'s (${what}); give the chains of one fit`);
        }
      }
      const restart = (): void => {
        hash = sha256();
        rows = [];
        count = 0;
      };
      restart();
      const into = store;
      return {
        restart,
        add(row: Float64Array): void {
          hash.update(new Uint8Array(row.buffer, row.byteOffset, row.byteLength));
          if (into === null) rows.push(row.slice());
          else if (count < nDraws) into.put(row, c, count);
          count++;
        },
      };
    };
    const chain = readChain(path, begin);
    if (count === 0) {
      throw new UserError(
        `${path}: no draws after the header${chain.adaptation ? ' (only warm-up before "# Adaptation terminated")' : ''}; ` +
          (chain.marks.incomplete ? 'the run was interrupted before sampling began' : 'the run may have stopped early'),
      );
    }
    if (store === null) {
      first = chain;
      nDraws = count;
      const s = make(chain.header, nChains, nDraws);
      rows.forEach((row, d) => s.put(row, 0, d));
      rows = [];
      store = s;
    } else if (count !== nDraws) {
      throw new UserError(
        `${path}: has ${count} draws but ${paths[0]} has ${nDraws}; ` +
          'every chain needs the same number of draws (were the runs finished?)',
      );
    }
    incomplete ??= chain.marks.incomplete;
    const key = hash.digest('hex');
    const earlier = byHash.get(key);
    if (earlier !== undefined && store.sameChains(earlier, c)) {
      throw new UserError(`${paths[earlier]} and ${path} hold identical draws (the same chain twice); give each chain once`);
    }
    byHash.set(key, c);
  }
  return { target: store!, header: first!.header, marks: first!.marks, incomplete };
}

/** Checks every path (named once, there, readable) before any file is read in full; returns each file's head. */
function checkPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new UserError('no draws files given; pass the CSV file of each chain');
  refuseRepeatedPaths(paths);
  return paths.map(fileHead);
}

/**
 * The draws of CmdStan-format chain files into a caller's target (`make` is called once the first chain's length is
 * known), with the checks of readDrawsCsv: for a run's own chain files, read without a DrawSet of them all.
 */
export function readCmdStanInto<T extends ChainTarget>(paths: readonly string[], make: (header: readonly string[], nChains: number, nDraws: number) => T): T {
  checkPaths(paths);
  return readCmdStan(paths, make).target;
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
 * The same chain given twice would pass every check and make R-hat look perfect and ESS doubled: refuse a path
 * named twice (after resolving links and relative parts); copies of a chain are refused by readCmdStan.
 */
function refuseRepeatedPaths(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue; // fileHead reports a missing or unreadable file
    }
    const earlier = seen.get(real);
    if (earlier !== undefined) {
      throw new UserError(`${earlier} and ${path} are the same file; give each chain's CSV once`);
    }
    seen.set(real, path);
  }
}

/**
 * The start of a file as text, up to its first line that is neither empty nor a comment (a gzip file's whole text),
 * for format detection before any file is read in full; a missing or unreadable file is a UserError.
 */
function fileHead(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readFailure(path, e);
  }
  try {
    const chunk = Buffer.allocUnsafe(1 << 16);
    const decoder = new (process.getBuiltinModule('node:string_decoder').StringDecoder)('utf8');
    let text = '';
    let from = 0;
    for (let first = true; ; first = false) {
      let got: number;
      try {
        got = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw readFailure(path, e);
      }
      if (got === 0) return text + decoder.end();
      if (first && got >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) return readText(path);
      text += decoder.write(chunk.subarray(0, got));
      // a complete line that is the header?
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        const line = text.slice(from, nl).replace(/^\uFEFF/, '').trim();
        from = nl + 1;
        if (line !== '' && !line.startsWith('#')) return text;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads draws from CSV files: one CmdStan-format file per chain, or a single long-format file (recognized by its
 * `chain`/`.chain` column). The chains' files are read one after the other, each straight into its place in the
 * DrawSets (readCmdStan).
 */
export function readDrawsCsv(paths: readonly string[]): DrawsCsv {
  // every file's header first: a missing file or a long-format one among chains is said before any is read in full
  const heads = checkPaths(paths);
  const long = paths.map((p, i) => isLongFormat(firstHeader(p, heads[i])));
  if (long.some((l) => l)) {
    if (paths.length > 1) {
      const which = paths[long.indexOf(true)];
      throw new UserError(
        `${which}: is a long-format file (it has a chain column) and holds every chain; give it alone, not with other files`,
      );
    }
    return readLong(paths[0], readText(paths[0]));
  }
  const read = readCmdStan(paths, (header, nChains, nDraws) => {
    const columns = header.map((_, j) => j).filter((j) => header[j] !== '');
    return new ChainStore(header, columns, nChains, nDraws);
  });
  const { marks } = read;
  const { draws, samplerStats } = read.target;
  return { format: 'cmdstan', draws, samplerStats, maxTreedepth: marks.maxTreedepth, incomplete: read.incomplete, ...(marks.model ? { model: marks.model } : {}) };
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
