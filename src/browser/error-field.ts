/**
 * Which field of the playground page a fit's one-line error belongs beside (protocol.ts: Field), from the stage that
 * failed and the message. Reading the data is the data field's; a prior's value the prior field's. Building the model
 * (the 'formula' stage) splits by what the message speaks of: its family and link checks open with "family " or
 * "link ", its prior checks with "prior '"; a message that names a row or a column of the data ("rows.parquet, row 5,
 * column "y": value is missing …", "formula term "x": rows.parquet: column "x" is categorical …") is about the data
 * file, so it is shown beside the file; the rest is the formula's.
 */
import type { Field } from './protocol.js';

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `message` opens (after at most one "context: ") with a row, line or column of the data `source`. */
export function namesDataPlace(message: string, source: string): boolean {
  return new RegExp(`^(?:[^\\n]*?: )?${escaped(source)}(?:, (?:row|line) \\d+|: column ")`).test(message);
}

/** The field for an error of stage `stage` with one-line `message`; `source` is the data's name in messages, if read. */
export function errorField(stage: Field, message: string, source: string | null): Field {
  if (stage !== 'formula') return stage;
  if (/^(family|link) /.test(message)) return 'family';
  if (/^prior '/.test(message)) return 'prior';
  if (source !== null && namesDataPlace(message, source)) return 'data';
  return stage;
}
