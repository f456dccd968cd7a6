/**
 * Benchmark: reading a CSV file with text columns (issue 16 items 2 and 3): the simulated Hillstrom data
 * (`sim:hillstrom`, the data of `nutmeg fit --rows N`: 12 columns, 4 of them text — history_segment such as
 * "1) $0 - $100", zip_code, channel, segment), written as CSV, read by readCsv, each read in its own process: CPU
 * seconds (user + system of the read), rows per CPU second, and the process's peak RSS. Readers: `stream`, this
 * tree's readCsv (csv-fast.ts streaming with text columns); `full`, readCsvFull (csv-parse over the whole text, the
 * path every file with a text cell took before); and `main`, readCsv of another checkout given by --main DIR (its
 * src/data/csv.ts), to measure before and after in one run.
 *
 *   npx tsx bench/csv-text.ts write ROWS OUT.csv [SEED=1]   writes the CSV (a block of rows at a time)
 *   npx tsx bench/csv-text.ts read READER FILE [--main DIR]  reads it once, prints one JSON line
 *
 * The CSV is written to where you say (use /tmp; never commit it). Report CPU time and the load (`uptime`): wall time
 * on a shared machine says little.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinDataset } from '../src/data/datasets.js';
import { quote } from '../src/data/csv-quote.js';

const BLOCK = 100_000;

function write(rows: number, out: string, seed: number): void {
  const frame = builtinDataset('hillstrom', seed, rows, false).frame;
  const columns = [...frame.columns.values()];
  const fd = openSync(out, 'w');
  try {
    writeSync(fd, columns.map((c) => quote(c.name)).join(',') + '\n');
    // (each categorical column's level names quoted once)
    const names = columns.map((c) => (c.kind === 'categorical' ? c.levels.map(quote) : null));
    for (let from = 0; from < rows; from += BLOCK) {
      const to = Math.min(rows, from + BLOCK);
      let text = '';
      for (let r = from; r < to; r++) {
        let line = '';
        for (let j = 0; j < columns.length; j++) {
          const c = columns[j];
          const cell = c.kind === 'categorical' ? (names[j] as string[])[c.codes[r]] : c.kind === 'boolean' ? String(c.values[r] === 1) : String(c.values[r]);
          line += j === 0 ? cell : ',' + cell;
        }
        text += line + '\n';
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  process.stdout.write(`${out}: ${rows} rows of sim:hillstrom (seed ${seed}), ${columns.length} columns\n`);
}

/** This process's peak RSS in MiB (VmHWM; fresh after exec). */
function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m !== null ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

async function read(reader: string, file: string, mainDir: string | undefined): Promise<void> {
  type Read = (path: string) => { nRows: number; columns: ReadonlyMap<string, { kind: string }> };
  let readFn: Read;
  if (reader === 'main') {
    if (mainDir === undefined) throw new Error('--main DIR is needed for the main reader');
    readFn = ((await import(pathToFileURL(path.join(mainDir, 'src/data/csv.ts')).href)) as { readCsv: Read }).readCsv;
  } else {
    const csv = await import('../src/data/csv.js');
    readFn = reader === 'full' ? csv.readCsvFull : csv.readCsv;
  }
  const before = peakRssMiB();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let result: Record<string, unknown>;
  try {
    const frame = readFn(file);
    const kinds = [...frame.columns.values()].map((c) => c.kind[0]).join('');
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    result = { reader, rows: frame.nRows, kinds, cpuSeconds, rowsPerCpuSecond: frame.nRows / cpuSeconds };
  } catch (e) {
    result = { reader, error: (e as Error).message.slice(0, 200) };
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ ...result, wallSeconds, peakRssMiB: peakRssMiB(), rssBeforeReadMiB: before, load: loadavg()[0] }) + '\n');
}

const [mode, a, b, c, d] = process.argv.slice(2);
if (mode === 'write') write(Number(a), b, Number(c ?? '1'));
else if (mode === 'read') await read(a, b, c === '--main' ? d : undefined);
else {
  process.stderr.write('usage: npx tsx bench/csv-text.ts write ROWS OUT.csv [SEED] | read stream|full|main FILE [--main DIR]\n');
  process.exit(2);
}
