/**
 * A digest of everything buildModel returns for the pooled model of a data file (the read → frame → spec path of
 * bench/read-once.mjs): every typed array of the spec (X, y, …) by its type, length and SHA-256 of its bytes, and the
 * rest (names, priors, recipe, notes, warnings, parameterization) as JSON. Two builds of the package that print the
 * same digest built the same spec bit for bit. Run it with two dist/ directories to compare code versions:
 *
 *   node bench/spec-digest.mjs FILE [DIST [FORMULA]]   (DIST: a dist/ directory, default this checkout's; FORMULA: default
 *                                                     the pooled model's)
 * The frame's columns (the Hillstrom features among them) are digested too.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const [file, distDir, formulaArg] = process.argv.slice(2);
const dist = distDir ? pathToFileURL(`${distDir.replace(/\/$/, '')}/`).href : new URL('../dist/', import.meta.url).href;
const formula = formulaArg ?? 'conversion ~ treatment + recency_z + history_z + mens + womens + newbie';
const { loadData } = await import(`${dist}data/load.js`);
const { buildModel } = await import(`${dist}model/build.js`);
const { columnsOfFormula } = await import(`${dist}model/formula/columns.js`);
const frame = loadData(file, 1, undefined, { columns: columnsOfFormula(formula) }).frame;
const built = buildModel(frame, formula);
const hash = createHash('sha256');
const arrays = [];
const columns = Object.fromEntries([...frame.columns].map(([name, c]) => [name, c]));
const plain = JSON.stringify({ built, columns }, (key, value) => {
  if (ArrayBuffer.isView(value)) {
    const digest = createHash('sha256').update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).digest('hex');
    arrays.push(`${key}: ${value.constructor.name}[${value.length}] ${digest.slice(0, 16)}`);
    return `${value.constructor.name}[${value.length}] ${digest}`;
  }
  return value;
});
hash.update(plain);
console.log(JSON.stringify({ file, rows: frame.nRows, digest: hash.digest('hex'), arrays, warnings: built.warnings, notes: built.notes.length }));
