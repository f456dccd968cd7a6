/**
 * The schema → frame mapping of the columnar formats, in one place: which frame column type an Arrow column becomes,
 * or the one-line error for a type nutmeg does not read. Both readers ask it — the Parquet reader through the Arrow C
 * data interface (parquet-read.ts, from a column's format string) and the Arrow IPC reader through apache-arrow
 * (columnar.ts, from its type ids) — and a page reading Parquet can too (no Node imports here).
 *
 * Integers and floats → numeric; strings and dictionary-encoded strings → categorical; booleans → boolean (0/1). Half
 * floats, all-null columns and every other type (dates, timestamps, decimals, binary, lists, structs, …) are errors.
 */
import { UserError } from '../errors.js';
import type { ColumnType } from './text-columns.js';

/** What an Arrow type is, as far as the mapping cares. */
export type ArrowTypeClass = 'integer' | 'float' | 'half-float' | 'boolean' | 'string' | 'dictionary-string' | 'null' | 'other';

/** The frame column type of column `name` (of file `path`) whose Arrow type is of class `cls`; `typeText` names it. */
export function frameColumnType(path: string, name: string, cls: ArrowTypeClass, typeText: string): ColumnType {
  switch (cls) {
    case 'integer':
    case 'float':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
    case 'dictionary-string':
      return 'categorical';
    case 'half-float':
      throw unsupported(path, name, 'Float16 (half precision)');
    case 'null':
      throw new UserError(`${path}: column "${name}" has only nulls (type Null); drop the column or fill it in`);
    case 'other':
      throw unsupported(path, name, typeText);
  }
}

function unsupported(path: string, name: string, type: string): UserError {
  return new UserError(
    `${path}: column "${name}" has type ${type}, which nutmeg does not read; ` +
      'convert it to numbers (integer or float), strings or booleans before writing the file, or drop the column',
  );
}

const INTEGER_FORMATS = new Set(['c', 'C', 's', 'S', 'i', 'I', 'l', 'L']);

/**
 * The class of an Arrow C data interface format string (https://arrow.apache.org/docs/format/CDataInterface.html);
 * `dictionaryFormat` is the format of the dictionary's values for a dictionary-encoded column (then `format` is the
 * index type), else null.
 */
export function formatClass(format: string, dictionaryFormat: string | null): ArrowTypeClass {
  if (dictionaryFormat !== null) return dictionaryFormat === 'u' || dictionaryFormat === 'U' ? 'dictionary-string' : 'other';
  if (INTEGER_FORMATS.has(format)) return 'integer';
  if (format === 'f' || format === 'g') return 'float';
  if (format === 'e') return 'half-float';
  if (format === 'b') return 'boolean';
  if (format === 'u' || format === 'U') return 'string';
  if (format === 'n') return 'null';
  return 'other';
}

const SIMPLE_NAMES: Readonly<Record<string, string>> = {
  n: 'Null', b: 'Bool', c: 'Int8', C: 'Uint8', s: 'Int16', S: 'Uint16', i: 'Int32', I: 'Uint32', l: 'Int64', L: 'Uint64',
  e: 'Float16', f: 'Float32', g: 'Float64', z: 'Binary', Z: 'LargeBinary', u: 'Utf8', U: 'LargeUtf8',
  tdD: 'Date<DAY>', tdm: 'Date<MILLISECOND>', tts: 'Time<SECOND>', ttm: 'Time<MILLISECOND>', ttu: 'Time<MICROSECOND>',
  ttn: 'Time<NANOSECOND>', tDs: 'Duration<SECOND>', tDm: 'Duration<MILLISECOND>', tDu: 'Duration<MICROSECOND>',
  tDn: 'Duration<NANOSECOND>', tiM: 'Interval<YEAR_MONTH>', tiD: 'Interval<DAY_TIME>', tin: 'Interval<MONTH_DAY_NANO>',
  '+s': 'Struct', '+m': 'Map',
};
const UNITS: Readonly<Record<string, string>> = { s: 'SECOND', m: 'MILLISECOND', u: 'MICROSECOND', n: 'NANOSECOND' };

/**
 * A readable name of the type of a C data format string, in apache-arrow's words where it has them
 * ("Timestamp<MILLISECOND>", "List<Float64>"), for messages; `child` names the element type of a list.
 */
export function formatTypeText(format: string, child: string | null = null, dictionary: string | null = null): string {
  if (dictionary !== null) return `Dictionary<${formatTypeText(format)}, ${dictionary}>`;
  const simple = SIMPLE_NAMES[format];
  if (simple !== undefined) return simple;
  if (format.startsWith('ts') && format.length >= 4) return `Timestamp<${UNITS[format[2]] ?? format[2]}>`;
  if (format.startsWith('d:')) return `Decimal<${format.slice(2)}>`;
  if (format.startsWith('w:')) return `FixedSizeBinary<${format.slice(2)}>`;
  if (format === '+l' || format === '+L') return `${format === '+L' ? 'LargeList' : 'List'}<${child ?? '?'}>`;
  if (format.startsWith('+w:')) return `FixedSizeList<${child ?? '?'}>`;
  if (format.startsWith('+u')) return 'Union';
  return `format "${format}"`;
}
