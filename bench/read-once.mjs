/**
 * One read of a data file in a fresh process, through the built dist/ (run `npm run build:ts` first), as `--data`
 * reads it: CPU time (process.cpuUsage: all threads), wall time and peak RSS (VmHWM) after the read; with `model`,
 * read → frame (+ the Hillstrom features when the file has the Hillstrom columns) → the pooled model's spec, which is
 * the data path of `nutmeg fit --model pooled --data FILE` up to the backend: the formula's columns only, as the CLI
 * reads them, where the dist/ has model/formula/columns.js (from session 11 on; before, every column).
 *
 * `--sep S` and `--decimal M` are passed on as the CLI's flags are (src/cli/column-types.ts); without them the file's
 * name and header line decide (src/data/csv-dialect.ts), as for `--data FILE`.
 *
 *   node bench/read-once.mjs FILE [model] [--sep ';'] [--decimal ,]      (`/usr/bin/time -v node …` for the kernel's view of the same)
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flags = {};
for (const name of ['sep', 'decimal']) {
  const at = args.indexOf(`--${name}`);
  if (at >= 0) [flags[name]] = args.splice(at, 2).slice(1);
}
const [file, what] = args;
const dist = new URL('../dist/', import.meta.url).href;
const c0 = process.cpuUsage();
const t0 = performance.now();
const peakMiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
const cpuS = () => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
const dialect = await import(`${dist}data/csv-dialect.js`);
const options = {
  ...(flags.sep !== undefined ? { sep: dialect.parseSeparator('--sep', flags.sep) } : {}),
  ...(flags.decimal !== undefined ? { decimal: dialect.parseDecimalMark('--decimal', flags.decimal) } : {}),
};
const out = { file, ...flags };
if (what === 'model') {
  const formula = 'conversion ~ treatment + recency_z + history_z + mens + womens + newbie';
  const { loadData } = await import(`${dist}data/load.js`);
  const { buildModel } = await import(`${dist}model/build.js`);
  const columnsOf = await import(`${dist}model/formula/columns.js`).then((m) => m.columnsOfFormula, () => () => undefined);
  const frame = loadData(file, 1, undefined, { columns: columnsOf(formula), ...options }).frame;
  Object.assign(out, { rows: frame.nRows, columns: frame.columns.size, readCpuS: cpuS(), readWallS: (performance.now() - t0) / 1000, readPeakMiB: peakMiB() });
  buildModel(frame, formula);
  Object.assign(out, { modelCpuS: cpuS(), modelWallS: (performance.now() - t0) / 1000, peakMiB: peakMiB() });
} else {
  const { readDataFile } = await import(`${dist}data/data-file.js`);
  const frame = readDataFile(file, options);
  Object.assign(out, { rows: frame.nRows, cpuS: cpuS(), wallS: (performance.now() - t0) / 1000, processWallS: performance.now() / 1000, peakMiB: peakMiB() });
}
console.log(JSON.stringify(out));
