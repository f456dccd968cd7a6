/**
 * The CSV fast path's cell loop alone (issue 16 item 3, session 11; bench/README.md "CSV read, cold"): a 10-column
 * file of short decimals (bench/ingest.bench.ts's table) held in memory, scanned by variants of the loop that write
 * into reused Float64Arrays (no page faults, no file reading), interleaved, 7 rounds; prints the least CPU ms of each.
 *   doubles        the loop before session 11: m ← 10m + d in doubles with a per-digit "≤ 2^53" test
 *   int32          m in 32-bit arithmetic (exact up to 9 digits), a branch on the sign
 *   int32-sign     … and the sign as a factor (+(c === 45) indexes [1, −1]) instead of a branch
 *   int32-sign-u   … and one unsigned comparison per digit ((c − 48) >>> 0 < 10): the loop of src/data/csv-fast.ts
 * Every variant must give the same values (checked against the first).
 *
 *   node bench/micro/csv-scan.mjs FILE.csv     (FILE: 10 columns of plain decimals of ≤ 9 digits, LF endings)
 */
import { readFileSync } from 'node:fs';

const buf = readFileSync(process.argv[2]);
const from = buf.indexOf(10) + 1;
const W = 10;
let n = 0;
for (let i = from; i < buf.length; i++) if (buf[i] === 10) n++;
const out = Array.from({ length: W }, () => new Float64Array(n));
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const SIGN = Float64Array.of(1, -1);

function doubles(buf, p, to) {
  let row = 0;
  while (p < to) {
    for (let j = 0; j < W; j++) {
      let c = buf[p];
      let negative = false;
      if (c === 45) {
        negative = true;
        c = buf[++p];
      } else if (c === 43) c = buf[++p];
      let m = 0;
      let digits = 0;
      let exp10 = 0;
      let exact = true;
      while (c >= 48 && c <= 57) {
        const next = m * 10 + (c - 48);
        if (next > 2 ** 53) exact = false;
        else m = next;
        if (!exact) exp10++;
        digits++;
        c = buf[++p];
      }
      if (c === 46) {
        c = buf[++p];
        while (c >= 48 && c <= 57) {
          if (exact) {
            const next = m * 10 + (c - 48);
            if (next > 2 ** 53) exact = false;
            else {
              m = next;
              exp10--;
            }
          }
          digits++;
          c = buf[++p];
        }
      }
      if (digits === 0 || !exact) return -1;
      let v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
      if (negative) v = -v;
      out[j][row] = v;
      p++;
    }
    row++;
  }
  return row;
}

function int32(buf, p, to) {
  let row = 0;
  while (p < to) {
    for (let j = 0; j < W; j++) {
      let c = buf[p];
      let negative = false;
      if (c === 45) {
        negative = true;
        c = buf[++p];
      } else if (c === 43) c = buf[++p];
      const s = p;
      let m = 0;
      while (c >= 48 && c <= 57) {
        m = (m * 10 + (c - 48)) | 0;
        c = buf[++p];
      }
      let digits = p - s;
      let fraction = 0;
      if (c === 46) {
        const f = ++p;
        c = buf[p];
        while (c >= 48 && c <= 57) {
          m = (m * 10 + (c - 48)) | 0;
          c = buf[++p];
        }
        fraction = p - f;
        digits += fraction;
      }
      if (digits === 0 || digits > 9) return -1;
      let v = fraction === 0 ? m : m / POW10[fraction];
      if (negative) v = -v;
      out[j][row] = v;
      p++;
    }
    row++;
  }
  return row;
}

function int32Sign(buf, p, to) {
  let row = 0;
  while (p < to) {
    for (let j = 0; j < W; j++) {
      let c = buf[p];
      const negative = +(c === 45);
      p += negative;
      c = buf[p];
      if (c === 43 && negative === 0) c = buf[++p];
      const s = p;
      let m = 0;
      while (c >= 48 && c <= 57) {
        m = (m * 10 + (c - 48)) | 0;
        c = buf[++p];
      }
      let digits = p - s;
      let fraction = 0;
      if (c === 46) {
        const f = ++p;
        c = buf[p];
        while (c >= 48 && c <= 57) {
          m = (m * 10 + (c - 48)) | 0;
          c = buf[++p];
        }
        fraction = p - f;
        digits += fraction;
      }
      if (digits === 0 || digits > 9) return -1;
      out[j][row] = (m / POW10[fraction]) * SIGN[negative];
      p++;
    }
    row++;
  }
  return row;
}

function int32SignU(buf, p, to) {
  let row = 0;
  while (p < to) {
    for (let j = 0; j < W; j++) {
      let c = buf[p];
      const negative = +(c === 45);
      p += negative;
      c = buf[p];
      if (c === 43 && negative === 0) c = buf[++p];
      const s = p;
      let m = 0;
      let d = c - 48;
      while (d >>> 0 < 10) {
        m = (m * 10 + d) | 0;
        d = (buf[++p] | 0) - 48;
      }
      let digits = p - s;
      let fraction = 0;
      if (d === -2) {
        const f = ++p;
        d = (buf[p] | 0) - 48;
        while (d >>> 0 < 10) {
          m = (m * 10 + d) | 0;
          d = (buf[++p] | 0) - 48;
        }
        fraction = p - f;
        digits += fraction;
      }
      if (digits === 0 || digits > 9) return -1;
      out[j][row] = (m / POW10[fraction]) * SIGN[negative];
      p++;
    }
    row++;
  }
  return row;
}

const variants = { doubles, int32, 'int32-sign': int32Sign, 'int32-sign-u': int32SignU };
const best = {};
let reference = null;
for (let round = 0; round < 7; round++) {
  for (const [name, scan] of Object.entries(variants)) {
    const c0 = process.cpuUsage();
    const rows = scan(buf, from, buf.length);
    const c = process.cpuUsage(c0);
    if (rows !== n) throw new Error(`${name}: ${rows} rows, expected ${n} (cells beyond this bench's shapes?)`);
    best[name] = Math.min(best[name] ?? Infinity, (c.user + c.system) / 1000);
    if (round === 0) {
      const copy = out.map((col) => col.slice());
      if (reference === null) reference = copy;
      else if (!copy.every((col, j) => col.every((v, r) => Object.is(v, reference[j][r])))) throw new Error(`${name}: values differ`);
    }
  }
}
console.log(Object.entries(best).map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', '));
