/**
 * The separator and decimal mark of a CSV file (no file access: the CLI and the browser build both ask it).
 *
 * Separators: comma, semicolon, tab, pipe. Given (`--sep`), or chosen without guessing from two facts only:
 * a name ending in `.tsv` or `.tab` (`.gz` after it allowed) is tab-separated; otherwise the header line (the first
 * line, quoted parts skipped) decides: no comma but tabs → tab; no comma but semicolons → semicolon; anything else
 * (a comma, both tabs and semicolons, neither) → comma. Pipes are read only when given.
 *
 * Decimal mark: given (`--decimal`), else the comma for a semicolon-separated file (what R's write.csv2 and Excel in
 * many European locales write: `0,5`) and the point otherwise. A decimal comma with the comma as separator is refused.
 * With a decimal comma, a cell with a point in a numeric column is an error (number-reading.ts), never read as a
 * decimal or a thousands separator.
 */
import { UserError } from '../errors.js';

export type CsvSeparator = ',' | ';' | '\t' | '|';
export type DecimalMark = '.' | ',';

/** How a separator or decimal mark was chosen: given by the user, by the file's name, its header line, or the default. */
export type DialectSource = 'given' | 'name' | 'header' | 'default';

export interface CsvDialect {
  readonly sep: CsvSeparator;
  readonly decimal: DecimalMark;
  readonly sepFrom: DialectSource;
  readonly decimalFrom: DialectSource;
}

const SEPARATOR_WORDS: Readonly<Record<CsvSeparator, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** The separator's name in messages: comma, semicolon, tab, pipe. */
export function separatorWord(sep: CsvSeparator): string {
  return SEPARATOR_WORDS[sep];
}

/** How the flag writes it: `,` `';'` `tab` `'|'` (quoted where a shell would take it). */
function separatorFlag(sep: CsvSeparator): string {
  return sep === '\t' ? 'tab' : sep === ',' ? ',' : `'${sep}'`;
}

/** The value of `--sep`: `,` `;` `|`, a tab, `\t` or the word `tab`. */
export function parseSeparator(flag: string, text: string): CsvSeparator {
  if (text === ',' || text === ';' || text === '|' || text === '\t') return text;
  if (text === '\\t' || text.toLowerCase() === 'tab') return '\t';
  throw new UserError(`${flag} must be one of , ; tab (or \\t) |; got ${JSON.stringify(text)}`);
}

/** The value of `--decimal`: `.` or `,`. */
export function parseDecimalMark(flag: string, text: string): DecimalMark {
  if (text === '.' || text === ',') return text;
  throw new UserError(`${flag} must be . or , (the decimal mark of the file's numbers); got ${JSON.stringify(text)}`);
}

const TAB_NAME = /\.(tsv|tab)(\.gz)?$/i;

/** Tab for a name ending in .tsv or .tab (optionally .gz), else undefined. */
export function separatorOfName(name: string): CsvSeparator | undefined {
  return TAB_NAME.test(name) ? '\t' : undefined;
}

/** The separator the header line (the first line of `text`, outside quotes) shows: see the module comment. */
export function separatorOfHeader(text: string): CsvSeparator {
  let commas = 0;
  let tabs = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ',') commas++;
    else if (c === '\t') tabs++;
    else if (c === ';') semicolons++;
  }
  if (commas > 0) return ',';
  if (tabs > 0 && semicolons === 0) return '\t';
  if (semicolons > 0 && tabs === 0) return ';';
  return ',';
}

/**
 * The dialect of the CSV `text` read from `name` (a path or file name, for the .tsv rule and messages), with the
 * user's `sep` and `decimal` where given. A decimal comma with comma separators is a UserError.
 */
export function chooseDialect(name: string, text: string, given: { readonly sep?: CsvSeparator; readonly decimal?: DecimalMark }): CsvDialect {
  let sep: CsvSeparator;
  let sepFrom: DialectSource;
  const byName = separatorOfName(name);
  if (given.sep !== undefined) [sep, sepFrom] = [given.sep, 'given'];
  else if (byName !== undefined) [sep, sepFrom] = [byName, 'name'];
  else {
    sep = separatorOfHeader(text);
    sepFrom = sep === ',' ? 'default' : 'header';
  }
  const decimal: DecimalMark = given.decimal ?? (sep === ';' ? ',' : '.');
  const decimalFrom: DialectSource = given.decimal !== undefined ? 'given' : 'default';
  if (sep === ',' && decimal === ',') {
    const read = sepFrom === 'given' ? 'with --sep ,' : 'as comma-separated (its header line has a comma, or no semicolon or tab)';
    throw new UserError(`--decimal , needs a separator other than the comma, and ${name} is read ${read}; give --sep ';' (or tab) as well`);
  }
  return { sep, decimal, sepFrom, decimalFrom };
}

/** Why the separator is what it is, for messages. */
function sepReason(name: string, d: CsvDialect): string {
  if (d.sepFrom === 'given') return `--sep ${separatorFlag(d.sep)}`;
  if (d.sepFrom === 'name') return `its name ends in ${(TAB_NAME.exec(name)?.[0] ?? '.tsv').replace(/\.gz$/i, '')}`;
  if (d.sepFrom === 'header') return `its header line has ${d.sep === '\t' ? 'tabs' : 'semicolons'} and no comma`;
  return 'the default';
}

/** Why the decimal mark is what it is, for messages: "--decimal ," or "the default with --sep ';'". */
export function decimalReason(d: CsvDialect): string {
  if (d.decimalFrom === 'given') return `--decimal ${d.decimal}`;
  return `the default with --sep ${separatorFlag(d.sep)}`;
}

/**
 * The one line a command logs about the dialect when it is not comma and point, e.g. "data: x.csv: read as
 * semicolon-separated (its header line has semicolons and no comma) with decimal commas (the default with --sep ';');
 * --sep and --decimal say otherwise"; null for comma and point.
 */
export function dialectLine(name: string, d: CsvDialect): string | null {
  if (d.sep === ',' && d.decimal === '.') return null;
  const decimal = d.decimal === ',' ? `decimal commas (${decimalReason(d)})` : `decimal points${d.decimalFrom === 'given' ? ' (--decimal .)' : ''}`;
  return `data: ${name}: read as ${separatorWord(d.sep)}-separated (${sepReason(name, d)}) with ${decimal}; --sep and --decimal say otherwise`;
}
