/**
 * A Parquet schema's top-level columns as the JavaScript reader (parquet-pages.ts) plans them: each leaf's type class
 * and Arrow name (for arrow-schema.ts frameColumnType and the messages) and how its values are stored in the pages.
 */
import type { SchemaElement, SchemaTree } from 'hyparquet';
import type { ArrowTypeClass } from './arrow-schema.js';
import type { LevelIndex } from './column-sinks.js';

/** How a leaf column's values are stored in its pages. */
export type ValueKind = 'int32' | 'uint32' | 'int64' | 'uint64' | 'float' | 'double' | 'boolean' | 'bytes';

export interface Planned {
  readonly name: string;
  /** Index of its column chunk in each row group. */
  readonly leaf: number;
  readonly element: SchemaElement;
  readonly schemaPath: SchemaTree[];
  readonly kind: ValueKind;
  /** Whether its pages carry definition levels (an OPTIONAL top-level column). */
  readonly optional: boolean;
  readonly levels: LevelIndex;
}

const UNITS: Readonly<Record<string, string>> = { MILLIS: 'MILLISECOND', MICROS: 'MICROSECOND', NANOS: 'NANOSECOND' };

/** The class, the Arrow name and the value kind of a leaf column of the schema. */
export function leafType(e: SchemaElement): { cls: ArrowTypeClass; text: string; kind: ValueKind | null } {
  const logical = e.logical_type;
  const converted = e.converted_type;
  const other = (text: string) => ({ cls: 'other' as const, text, kind: null });
  if (logical?.type === 'NULL') return { cls: 'null', text: 'Null', kind: null };
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return other(`Decimal<${e.precision ?? '?'},${e.scale ?? 0}>`);
  if (logical?.type === 'DATE' || converted === 'DATE') return other('Date<DAY>');
  if (logical?.type === 'TIME') return other(`Time<${UNITS[logical.unit] ?? logical.unit}>`);
  if (converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return other(`Time<${converted === 'TIME_MILLIS' ? 'MILLISECOND' : 'MICROSECOND'}>`);
  if (logical?.type === 'TIMESTAMP') return other(`Timestamp<${UNITS[logical.unit] ?? logical.unit}>`);
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return other(`Timestamp<${converted === 'TIMESTAMP_MILLIS' ? 'MILLISECOND' : 'MICROSECOND'}>`);
  const unsigned = (logical?.type === 'INTEGER' && !logical.isSigned) || (converted !== undefined && converted.startsWith('UINT_'));
  const bits = logical?.type === 'INTEGER' ? logical.bitWidth : converted !== undefined && /^U?INT_\d+$/.test(converted) ? Number(converted.replace(/^U?INT_/, '')) : 0;
  const intText = (size: number) => `${unsigned ? 'Uint' : 'Int'}${bits || size}`;
  switch (e.type) {
    case 'BOOLEAN':
      return { cls: 'boolean', text: 'Bool', kind: 'boolean' };
    case 'INT32':
      return { cls: 'integer', text: intText(32), kind: unsigned ? 'uint32' : 'int32' };
    case 'INT64':
      return { cls: 'integer', text: intText(64), kind: unsigned ? 'uint64' : 'int64' };
    case 'INT96':
      return other('Timestamp<NANOSECOND>');
    case 'FLOAT':
      return { cls: 'float', text: 'Float32', kind: 'float' };
    case 'DOUBLE':
      return { cls: 'float', text: 'Float64', kind: 'double' };
    case 'BYTE_ARRAY':
      if (logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON' || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') {
        return { cls: 'string', text: 'Utf8', kind: 'bytes' };
      }
      return other('Binary');
    case 'FIXED_LEN_BYTE_ARRAY':
      if (logical?.type === 'FLOAT16') return { cls: 'half-float', text: 'Float16', kind: null };
      return other(`FixedSizeBinary<${e.type_length ?? '?'}>`);
    default:
      return other(String(e.type));
  }
}

export function leafCount(node: SchemaTree): number {
  return node.children.length === 0 ? 1 : node.children.reduce((n, c) => n + leafCount(c), 0);
}

/** The Arrow name of a nested (group or repeated) top-level column, for the message refusing it. */
export function nestedText(node: SchemaTree): string {
  const e = node.element;
  let leaf = node;
  while (leaf.children.length > 0) leaf = leaf.children[0];
  const inner = leafType(leaf.element).text;
  if (node.children.length === 0) return `List<${inner}>`; // a repeated leaf (the legacy list layout)
  if (e.logical_type?.type === 'LIST' || e.converted_type === 'LIST') return `List<${inner}>`;
  if (e.logical_type?.type === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') return 'Map';
  return 'Struct';
}
