/**
 * csv.ts for the browser build (swapped in by scripts/build-browser.mjs): a page has no file paths, so reading a CSV
 * by path is refused in one line that says what to do; a page reads CSV text or bytes (src/browser/data.ts).
 */
import { UserError } from '../errors.js';
import type { ReadCsvOptions } from './csv-text.js';
import type { Frame } from './frame.js';

export type { ColumnType } from './text-columns.js';
export { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';

function noFiles(path: string): never {
  throw new UserError(`${path}: a browser page cannot read a file by its path; give the file's text or bytes (readCsvText, readCsvBytes)`);
}

export function readCsv(path: string, _options: ReadCsvOptions = {}): Frame {
  return noFiles(path);
}

export function readCsvFull(path: string, _options: ReadCsvOptions = {}): Frame {
  return noFiles(path);
}
