/** Log-likelihood CSV reader: plain and gzip files, R's quoting, and UserErrors that name file, line and column. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { logLikBlocks, readLogLikCsv, splitCsvLine } from '../../src/io/loglik-csv.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-loglik-'));
function write(name: string, text: string, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

describe('readLogLikCsv', () => {
  const text = '"chain","X1","X2","X3"\n1,-0.5,-1.25,-2\n1,-0.25,-1,-3e-1\r\n2,-1,-2,-3\n2,-0.1,-0.2,-0.3\n';

  it('reads plain and gzip files alike (gzip detected from the bytes, not the name)', async () => {
    const plain = await readLogLikCsv(write('a.csv', text));
    const gz = await readLogLikCsv(write('b.data', text, true));
    for (const f of [plain, gz]) {
      expect(f.nDraws).toBe(4);
      expect(f.observationNames).toEqual(['X1', 'X2', 'X3']);
      expect(Array.from(f.chainOfDraw)).toEqual([1, 1, 2, 2]);
      expect(Array.from(f.rows[1])).toEqual([-0.25, -1, -0.3]);
    }
  });

  it('the chain column may sit anywhere', async () => {
    const f = await readLogLikCsv(write('c.csv', 'a,chain,b\n-1,3,-2\n-3,4,-4\n'));
    expect(Array.from(f.chainOfDraw)).toEqual([3, 4]);
    expect(Array.from(f.rows[1])).toEqual([-3, -4]);
  });

  it('blocks copy columns of the rows', async () => {
    const f = await readLogLikCsv(write('d.csv', text));
    const blocks = [];
    // the generator reuses its buffer: copy each block before asking for the next
    for (const block of logLikBlocks(f.rows, 2)) blocks.push({ ...block, values: Array.from(block.values) });
    expect(blocks).toEqual([
      { start: 0, count: 2, values: [-0.5, -1.25, -0.25, -1, -1, -2, -0.1, -0.2] },
      { start: 2, count: 1, values: [-2, -0.3, -3, -0.3] },
    ]);
  });

  it.each([
    ['no chain column', 'a,b\n-1,-2\n-1,-2\n', /e\.csv line 1: no "chain" column/],
    ['a missing value', 'chain,a,b\n1,-1,-2\n1,NA,-2\n', /e\.csv line 3, column 2 \("a"\): 'NA' is not a finite number/],
    ['an empty value', 'chain,a,b\n1,-1,\n1,-1,-2\n', /e\.csv line 2, column 3 \("b"\): '' is not a finite/],
    ['a short row', 'chain,a,b\n1,-1,-2\n1,-1\n', /e\.csv line 3: 2 fields but the header has 3/],
    ['a bad chain id', 'chain,a\n1.5,-1\n1,-1\n', /e\.csv line 2, column 1 \("chain"\): '1.5' is not a chain number/],
    ['one draw only', 'chain,a\n1,-1\n', /1 draw\(s\); PSIS-LOO needs at least two draws/],
  ])('%s is a UserError with file and line', async (_, body, message) => {
    const path = write('e.csv', body);
    await expect(readLogLikCsv(path)).rejects.toThrow(UserError);
    await expect(readLogLikCsv(path)).rejects.toThrow(message);
  });

  it('a missing file or corrupt gzip is a UserError', async () => {
    await expect(readLogLikCsv(join(dir, 'nope.csv'))).rejects.toThrow(/cannot read .*nope\.csv/);
    const bad = write('bad.csv.gz', '');
    writeFileSync(bad, Buffer.concat([gzipSync(text).subarray(0, 20), Buffer.from('garbage')]));
    await expect(readLogLikCsv(bad)).rejects.toThrow(UserError);
  });
});

describe('splitCsvLine', () => {
  it('handles quotes and doubled quotes', () => {
    expect(splitCsvLine('"a,b","c""d",e')).toEqual(['a,b', 'c"d', 'e']);
    expect(splitCsvLine('1,2,3')).toEqual(['1', '2', '3']);
  });
});
