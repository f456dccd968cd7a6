/**
 * Where the streaming CSV reader (csv-fast.ts) gave up on a file, and what to tell the user when the whole-file parser
 * that would otherwise read it (and word any error) cannot: a file of more text than one JavaScript string holds
 * (~512 MiB). The reader keeps the bytes of the line it stopped at; this module reads that line by the whole-file
 * parser's rules and names the line, the field and the fix: a row of another length or an empty line (in the parser's
 * own words), a quote inside an unquoted field, text after a closing quote, a line break inside a quoted field (which
 * only the whole-file parser reads), or else the line with what else stops the streaming reader.
 */
import { separatorWord, type CsvSeparator } from './csv-dialect.js';

/** The line the streaming reader stopped at (csv-fast.ts `onGiveUp`). */
export interface CsvStop {
  /** Its line number in the file (the header is line 1). */
  readonly line: number;
  /** The header's number of fields. */
  readonly fields: number;
  readonly sep: CsvSeparator;
  /** The line's bytes from its start, up to and without its line break (or up to where the reader's text ended). */
  readonly bytes: Uint8Array;
}

type Finding =
  | { readonly kind: 'empty' }
  | { readonly kind: 'count'; readonly found: number }
  | { readonly kind: 'quote-inside' | 'after-quote' | 'open-quote'; readonly field: number }
  | { readonly kind: 'none' };

/** What is wrong with one line of CSV (RFC 4180 quotes, `""` for a quote) whose header has `fields` fields. */
export function diagnoseCsvLine(text: string, sep: string, fields: number): Finding {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (line === '' && fields > 1) return { kind: 'empty' };
  let field = 1;
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { kind: 'open-quote', field };
        if (line[i] === '"') {
          if (line[i + 1] !== '"') break;
          i += 2;
        } else i++;
      }
      i++; // (the closing quote)
      if (i < line.length && line[i] !== sep) return { kind: 'after-quote', field };
    } else {
      while (i < line.length && line[i] !== sep) {
        if (line[i] === '"') return { kind: 'quote-inside', field };
        i++;
      }
    }
    if (i >= line.length) break;
    i++; // (the separator)
    field++;
  }
  return field === fields ? { kind: 'none' } : { kind: 'count', found: field };
}

/** The one-line message for a file of `size` bytes that the streaming reader stopped on at `stop` and that is too large to parse whole. */
export function csvStopMessage(path: string, stop: CsvStop, size: number): string {
  const at = `${path}: line ${stop.line}`;
  const mib = `${Math.round(size / 2 ** 20)} MiB`;
  const text = new TextDecoder('utf-8').decode(stop.bytes);
  const finding = diagnoseCsvLine(text, stop.sep, stop.fields);
  switch (finding.kind) {
    case 'empty':
      return `${at} is empty, the header has ${stop.fields} fields; remove the empty line`;
    case 'count':
      return (
        `${at} has ${finding.found} field${finding.found === 1 ? '' : 's'}, the header has ${stop.fields}; ` +
        `check for an unquoted ${separatorWord(stop.sep)} or a missing separator`
      );
    case 'quote-inside':
      return `${at}, field ${finding.field}: a quote inside an unquoted field; quote the whole field and double the quotes in it ("a ""b"" c"), or remove the quote`;
    case 'after-quote':
      return `${at}, field ${finding.field}: text after the closing quote of a quoted field; quote the whole field and double the quotes in it ("a ""b"" c")`;
    case 'open-quote':
      return (
        `${at}, field ${finding.field}: a quoted field holds a line break, which only the whole-file parser reads, and ${mib} of ` +
        'text is more than it holds; remove the line breaks from quoted fields, or write the data as Parquet or Arrow IPC'
      );
    case 'none':
      return (
        `${path}: ${mib} of text is more than one JavaScript string holds, and the streaming reader stopped at line ${stop.line} ` +
        '(mixed line endings, a control character or a cell that is not UTF-8 are read only by the whole-file parser); ' +
        'write the data as Parquet or Arrow IPC (read in columns, any size), or split the file'
      );
  }
}
