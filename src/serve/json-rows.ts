/**
 * JSON.parse of a POST /score body in slices of rows, so that a large body (10,000 rows, ~3 MB) does not hold the
 * event loop for the whole parse (issue 14 item 10). A body of the expected shape `{"rows": [ … ]}` (JSON whitespace
 * anywhere between tokens, no other key) is split into one text per row by a scan of bracket depth that steps over
 * strings and their escapes; each row text is parsed on its own and `pause` is awaited between rows. Any other body,
 * and any body whose rows do not parse, is parsed whole with JSON.parse, so results and error messages are those of
 * JSON.parse.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/** Rows parsed between checks of the pacer. */
const ROWS_PER_CHECK = 64;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

/** The first index at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index just past the JSON string whose opening quote is at `i`, or -1 when it does not end. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * The end (exclusive) of the array element starting at `i` (not whitespace): the index of the `,` or `]` at depth 0
 * that follows it, less trailing whitespace; -1 when the text ends first. Brackets are only counted, not matched:
 * a malformed element fails its own JSON.parse.
 */
function elementEnd(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(text, j);
      if (j < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return c === CLOSE_BRACKET ? j : -1;
      depth--;
    } else if (c === COMMA && depth === 0) return j;
    j++;
  }
  return -1;
}

/** What parseBody gives: the body, and where a forbidden key check found one (see `check`). */
export interface ParsedBody<P> {
  readonly body: unknown;
  readonly problem: P | null;
}

/**
 * The parsed body of `text`. `check(value, i)` is called on each row as it is parsed (i its index), or once on the
 * whole body (i = -1) when it is parsed whole; the first non-null result is returned as `problem`.
 * Throws JSON.parse's SyntaxError for text that is not JSON.
 */
export async function parseRowsBody<P>(
  text: string,
  pause: () => Promise<void>,
  check: (value: unknown, i: number) => P | null,
): Promise<ParsedBody<P>> {
  const rows = await parseRowsInSlices(text, pause, check);
  if (rows !== null) return rows;
  const body: unknown = JSON.parse(text);
  return { body, problem: check(body, -1) };
}

async function parseRowsInSlices<P>(
  text: string,
  pause: () => Promise<void>,
  check: (value: unknown, i: number) => P | null,
): Promise<ParsedBody<P> | null> {
  // {"rows": [
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return null;
  i = skipSpace(text, i + 1);
  if (!text.startsWith('"rows"', i)) return null;
  i = skipSpace(text, i + 6);
  if (text.charCodeAt(i) !== COLON) return null;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== OPEN_BRACKET) return null;
  i = skipSpace(text, i + 1);
  const rows: unknown[] = [];
  let problem: P | null = null;
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    i++;
  } else {
    for (;;) {
      const end = elementEnd(text, i);
      if (end < 0) return null;
      let row: unknown;
      try {
        row = JSON.parse(text.slice(i, end));
      } catch {
        return null; // parsed whole, for JSON.parse's own message and position
      }
      // the first problem is kept, but the rest is still parsed: text that is not JSON is reported as such first
      problem ??= check(row, rows.length);
      rows.push(row);
      if (rows.length % ROWS_PER_CHECK === 0) await pause();
      i = end + 1;
      if (text.charCodeAt(end) === CLOSE_BRACKET) break;
      i = skipSpace(text, i);
    }
  }
  // }, then nothing but whitespace
  i = skipSpace(text, i);
  if (text.charCodeAt(i) !== CLOSE_BRACE || skipSpace(text, i + 1) !== text.length) return null;
  return { body: { rows }, problem };
}
