/**
 * CPU time of reading one data file several times in one process through `readDataFile` (what `--data` uses): the
 * first read carries module loading, WebAssembly compilation and first-touch page faults, the later ones show the
 * readers' own cost. Prints CPU ms / wall ms per read and the peak RSS (VmHWM).
 *
 *   npx tsx bench/repeat-read.ts FILE [reads=4]
 */
import { readFileSync } from 'node:fs';
import { readDataFile } from '../src/data/data-file.js';

const file = process.argv[2];
const reads = Number(process.argv[3] ?? '4');
if (!file) {
  console.error('usage: npx tsx bench/repeat-read.ts FILE [reads]');
  process.exit(2);
}
const out: string[] = [];
for (let k = 0; k < reads; k++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const frame = readDataFile(file);
  const c = process.cpuUsage(c0);
  out.push(`${((c.user + c.system) / 1e3).toFixed(0)} / ${(performance.now() - t0).toFixed(0)}`);
  if (frame.nRows === 0) throw new Error('no rows');
}
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(`${file}: CPU ms / wall ms per read: ${out.join(', ')}; peak RSS ${hwm ? (Number(hwm[1]) / 1024).toFixed(0) : '?'} MiB`);
