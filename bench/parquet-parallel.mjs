/**
 * Experiment (issue 16 item 3, session 10): a Parquet file of 10 columns x0…x9 (bench/parquet-readers.ts
 * --write-floats) read on one thread (`serial`), or with the odd columns decoded in a worker thread (ordinary memory,
 * its arrays transferred back without a copy) while the main thread decodes the even ones (`parallel`). Through the
 * built dist/ (run `npm run build:ts` first); prints wall and CPU seconds (process.cpuUsage: all threads) of one read.
 *
 *   node bench/parquet-parallel.mjs FILE.parquet serial|parallel
 */
import { Worker } from 'node:worker_threads';

const dist = new URL('../dist/', import.meta.url).href;
const [file, mode] = process.argv.slice(2);
const names = Array.from({ length: 10 }, (_, j) => `x${j}`);
const c0 = process.cpuUsage();
const t0 = performance.now();
const cpu = () => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
const { parquetFileFrame } = await import(`${dist}data/columnar.js`);
let columns;
if (mode === 'serial') {
  columns = parquetFileFrame(file).columns.size;
} else {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.dist + 'data/columnar.js').then(({ parquetFileFrame }) => {
      const frame = parquetFileFrame(workerData.file, { columns: workerData.columns, allocate: (n) => new ArrayBuffer(n) });
      const cols = [...frame.columns.values()];
      parentPort.postMessage(cols.map((c) => ({ name: c.name, values: c.values })), cols.map((c) => c.values.buffer));
    });`,
    { eval: true, workerData: { dist, file, columns: names.filter((_, j) => j % 2 === 1) } },
  );
  const theirs = new Promise((resolve) => worker.once('message', resolve));
  const mine = parquetFileFrame(file, { columns: names.filter((_, j) => j % 2 === 0) });
  columns = mine.columns.size + (await theirs).length;
  await worker.terminate();
}
console.log(JSON.stringify({ mode, columns, wallS: (performance.now() - t0) / 1000, cpuS: cpu() }));
