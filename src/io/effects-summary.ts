/**
 * DIR/effects-summary.csv: the posterior summary of every per-level variable (r_, z_, …) of a run saved with
 * `--save-effects summary`, whose chain CSVs keep only the population-level parameters. One row per variable, the
 * columns of SummaryRow (variable, mean, median, sd, mad, q5, q95, rhat, ess_bulk, ess_tail, mcse_*, hdi_low,
 * hdi_high; the HDI's probability is in fit.json), numbers in round-trip precision, NA where R gives NA. Variable
 * names in bracket form (r_g__t[3]).
 */
import { readFileSync } from 'node:fs';
import type { SummaryRow } from '../diagnostics/summary.js';
import { UserError } from '../errors.js';
import { quote } from '../data/csv-write.js';

export const EFFECTS_SUMMARY_FILE = 'effects-summary.csv';

/** The statistics of each row, in file order (also the `statistic` coordinate of the NetCDF effects_summary group). */
export const EFFECTS_SUMMARY_COLUMNS = [
  'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail',
  'mcse_mean', 'mcse_sd', 'mcse_q5', 'mcse_q95', 'hdi_low', 'hdi_high',
] as const satisfies readonly (keyof SummaryRow)[];

const HEADER = ['variable', ...EFFECTS_SUMMARY_COLUMNS].join(',');

export function effectsSummaryCsv(rows: readonly SummaryRow[]): string {
  const lines = [HEADER];
  for (const r of rows) {
    lines.push([quote(r.variable), ...EFFECTS_SUMMARY_COLUMNS.map((c) => (r[c] === null ? 'NA' : String(r[c])))].join(','));
  }
  return lines.join('\n') + '\n';
}

/** The variable field of a line (quoted per RFC 4180 or not) and where the numbers start. */
function splitVariable(line: string): [string, number] {
  if (!line.startsWith('"')) {
    const comma = line.indexOf(',');
    return [line.slice(0, comma), comma + 1];
  }
  let i = 1;
  let text = '';
  for (;;) {
    const q = line.indexOf('"', i);
    if (q < 0) return [text + line.slice(i), line.length];
    text += line.slice(i, q);
    if (line[q + 1] === '"') {
      text += '"';
      i = q + 2;
    } else return [text, q + 2];
  }
}

export function readEffectsSummary(path: string): SummaryRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the run's effects summary (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); refit with --out`);
  }
  const lines = text.split(/\r?\n/);
  if (lines[0] !== HEADER) throw new UserError(`${path}: not a nutmeg effects summary (its header is not "${HEADER.slice(0, 40)}…")`);
  const rows: SummaryRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line === '') continue;
    const [variable, start] = splitVariable(line);
    const fields = line.slice(start).split(',');
    if (fields.length !== EFFECTS_SUMMARY_COLUMNS.length) {
      throw new UserError(`${path}, line ${n + 1}: ${fields.length + 1} fields where the header has ${EFFECTS_SUMMARY_COLUMNS.length + 1}; the file is damaged, refit with --out`);
    }
    const row = { variable } as SummaryRow;
    EFFECTS_SUMMARY_COLUMNS.forEach((c, j) => {
      const f = fields[j];
      const v = f === 'NA' ? null : Number(f);
      if (v !== null && Number.isNaN(v) && f !== 'NaN') throw new UserError(`${path}, line ${n + 1}: "${f}" in column ${c} is not a number`);
      row[c] = v;
    });
    rows.push(row);
  }
  return rows;
}
